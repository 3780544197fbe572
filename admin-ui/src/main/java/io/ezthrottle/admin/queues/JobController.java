package io.ezthrottle.admin.queues;

import java.util.Map;

import io.ezthrottle.admin.web.Blocking;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.job.JobJson;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.queue.AttemptLedger;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/** Job lookup by id: its timeline from the job hash and its webhook delivery. */
@Controller
class JobController {

    private static final java.util.regex.Pattern JOB_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private final AttemptLedger ledger;
    private final DeliveryStore deliveries;
    private final JobJson json;

    JobController(AttemptLedger ledger, DeliveryStore deliveries, JobJson json) {
        this.ledger = ledger;
        this.deliveries = deliveries;
        this.json = json;
    }

    @GetMapping("/jobs")
    String lookup(@RequestParam(required = false) String id) {
        if (id == null || id.isBlank()) {
            return "redirect:/queues";
        }
        String trimmed = id.trim();
        if (!JOB_ID.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("not a job id");
        }
        return "redirect:/jobs/" + trimmed;
    }

    @GetMapping("/jobs/{id}")
    String job(@PathVariable String id, Model model) {
        if (!JOB_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a job id");
        }
        Map<String, String> fields = Blocking.get(ledger.fields(id));
        JobTimeline timeline = new JobTimeline(id, fields == null ? Map.of() : fields, Blocking.get(deliveries.view(id)));
        model.addAttribute("timeline", timeline);
        model.addAttribute("spec", spec(timeline));
        return "queues/job";
    }

    private JobSpec spec(JobTimeline timeline) {
        String spec = timeline.fields().get("spec");
        try {
            return spec == null ? null : json.read(spec);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
