package io.ezthrottle.admin.overview;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The landing page: throughput, backlog and webhook success, drawn live from {@code /overview/stream}. */
@Controller
class OverviewController {

    private final OverviewSampler sampler;
    private final long intervalMs;

    OverviewController(OverviewSampler sampler, io.ezthrottle.admin.AdminProperties properties) {
        this.sampler = sampler;
        this.intervalMs = properties.overview().interval().toMillis();
    }

    @GetMapping("/")
    String overview(Model model) {
        model.addAttribute("intervalMs", intervalMs);
        return "overview/overview";
    }

    @GetMapping(path = "/overview/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter stream() {
        return sampler.watch();
    }
}
