package io.ezthrottle.admin.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every page's layout needs: which menu entry is the current one. */
@ControllerAdvice
public class ConsolePages {

    @ModelAttribute("section")
    String section(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        int next = path.indexOf('/', 1);
        String first = next < 0 ? path : path.substring(0, next);
        return first.isEmpty() || "/".equals(first) ? "overview" : first.substring(1);
    }
}
