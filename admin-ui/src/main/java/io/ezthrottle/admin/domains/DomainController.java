package io.ezthrottle.admin.domains;

import io.ezthrottle.admin.web.Blocking;
import io.ezthrottle.core.throttle.DomainLimitsStore;
import io.ezthrottle.core.throttle.PacingDefaults;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Destinations and their pace. An override beats what upstream headers taught the workers and the configured
 * defaults, reaches every worker within about a second, and stays until it is cleared here.
 */
@Controller
class DomainController {

    static final double MAX_RPS = 100_000;
    static final int MAX_CONCURRENT = 100_000;

    private final DomainDirectory directory;
    private final DomainLimitsStore limits;
    private final PacingDefaults defaults;

    DomainController(DomainDirectory directory, DomainLimitsStore limits, PacingDefaults defaults) {
        this.directory = directory;
        this.limits = limits;
        this.defaults = defaults;
    }

    @GetMapping("/domains")
    String domains(@RequestParam(required = false) String destination, Model model) {
        model.addAttribute("rows", destination == null || destination.isBlank()
                ? Blocking.get(directory.all())
                : java.util.List.of(Blocking.get(directory.one(DomainNames.normalise(destination)))));
        model.addAttribute("destination", destination == null ? "" : destination);
        model.addAttribute("defaults", defaults);
        return "domains/domains";
    }

    @PostMapping("/domains/override")
    String override(@RequestParam String destination, @RequestParam(required = false) String rps,
                    @RequestParam(required = false) String maxConcurrent, RedirectAttributes flash) {
        String d = DomainNames.normalise(destination);
        Double r = blank(rps) ? null : Double.valueOf(rps.trim());
        Integer m = blank(maxConcurrent) ? null : Integer.valueOf(maxConcurrent.trim());
        if (r != null && (!(r >= defaults.floorRps()) || r > MAX_RPS)) {
            throw new IllegalArgumentException("rps must be between " + defaults.floorRps() + " and " + MAX_RPS);
        }
        if (m != null && (m < 1 || m > MAX_CONCURRENT)) {
            throw new IllegalArgumentException("max in flight must be between 1 and " + MAX_CONCURRENT);
        }
        Blocking.get(limits.override(d, r, m));
        flash.addFlashAttribute("message", r == null && m == null ? "Override of " + d + " cleared."
                : "Override of " + d + " saved: " + (r == null ? "" : r + " rps ") + (m == null ? "" : m + " in flight"));
        return "redirect:/domains?destination=" + d;
    }

    @PostMapping("/domains/clear")
    String clear(@RequestParam String destination, RedirectAttributes flash) {
        String d = DomainNames.normalise(destination);
        Blocking.get(limits.override(d, null, null));
        flash.addFlashAttribute("message", "Override of " + d + " cleared.");
        return "redirect:/domains?destination=" + d;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
