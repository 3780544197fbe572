package io.ezthrottle.admin;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The console's landing page. */
@Controller
public class HomeController {

    @GetMapping("/")
    String home() {
        return "home";
    }
}
