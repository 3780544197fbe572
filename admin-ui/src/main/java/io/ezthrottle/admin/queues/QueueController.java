package io.ezthrottle.admin.queues;

import io.ezthrottle.admin.web.Blocking;
import io.ezthrottle.admin.web.ConsoleErrors;
import io.ezthrottle.core.delivery.DeadLetterStore;
import io.ezthrottle.core.tenant.TenantStore;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The live queue view: backlog per destination, tenant and account queue, in flight, delayed, and dead letters with
 * replay. The page is filled and kept current by {@code /queues/stream} (Server-Sent Events).
 */
@Controller
class QueueController {

    private final QueueFeed feed;
    private final DeadLetterBoard deadLetters;

    QueueController(QueueFeed feed, DeadLetterBoard deadLetters) {
        this.feed = feed;
        this.deadLetters = deadLetters;
    }

    @GetMapping("/queues")
    String queues() {
        return "queues/queues";
    }

    @GetMapping(path = "/queues/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter stream() {
        return feed.watch();
    }

    @PostMapping("/queues/dead-letters/{tenantId}/{id}/replay")
    String replay(@PathVariable String tenantId, @PathVariable String id, RedirectAttributes flash) {
        check(tenantId, id);
        var status = Blocking.get(deadLetters.replay(tenantId, id));
        if (status == null) {
            throw new ConsoleErrors.NotFound("no dead letter " + id + " of tenant " + tenantId);
        }
        flash.addFlashAttribute("message", "Dead letter " + id + " replayed: its webhook is due now (delivery "
                + status.wire() + ").");
        return "redirect:/queues";
    }

    @PostMapping("/queues/dead-letters/{tenantId}/{id}/discard")
    String discard(@PathVariable String tenantId, @PathVariable String id, RedirectAttributes flash) {
        check(tenantId, id);
        if (!Boolean.TRUE.equals(Blocking.get(deadLetters.discard(tenantId, id)))) {
            throw new ConsoleErrors.NotFound("no dead letter " + id + " of tenant " + tenantId);
        }
        flash.addFlashAttribute("message", "Dead letter " + id + " discarded.");
        return "redirect:/queues";
    }

    private static void check(String tenantId, String id) {
        if (!TenantStore.plausibleId(tenantId) || !DeadLetterStore.plausibleId(id)) {
            throw new IllegalArgumentException("not a tenant id and dead letter id");
        }
    }
}
