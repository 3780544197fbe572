package io.ezthrottle.admin.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The login form (Spring Security processes the POST). */
@Controller
public class LoginController {

    @GetMapping("/login")
    String login() {
        return "login";
    }
}
