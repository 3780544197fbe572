package io.ezthrottle.admin.users;

import java.util.Map;

import io.ezthrottle.admin.web.Blocking;
import io.ezthrottle.admin.web.ConsoleErrors;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Console users: list, add, change role, reset password, delete. Every user sees the list (a viewer may know who
 * else operates the console); the writes are admin-only like every write ({@code AdminSecurity}). A refused change
 * shows the page again with the reason next to the field it concerns.
 */
@Controller
class UserController {

    private final ConsoleUserStore users;
    private final PasswordEncoder bcrypt;

    UserController(ConsoleUserStore users, PasswordEncoder bcrypt) {
        this.users = users;
        this.bcrypt = bcrypt;
    }

    @GetMapping("/users")
    ModelAndView list() {
        return page(HttpStatus.OK, Map.of());
    }

    @PostMapping("/users")
    ModelAndView add(@RequestParam(defaultValue = "") String username, @RequestParam(defaultValue = "") String password,
                     @RequestParam(defaultValue = "") String role, RedirectAttributes flash) {
        Map<String, String> errors = new UserInput().username(username).password(password).role(role).errors();
        if (!errors.isEmpty()) {
            return page(HttpStatus.BAD_REQUEST, errors).addObject("username", username).addObject("role", role);
        }
        ConsoleUser user = new ConsoleUser(username, UserInput.role(role, null), bcrypt.encode(password));
        if (!Boolean.TRUE.equals(Blocking.get(users.add(user)))) {
            return page(HttpStatus.CONFLICT, Map.of("username", "a user named " + username + " exists already"))
                    .addObject("username", username).addObject("role", role);
        }
        return done(flash, "User " + username + " added as " + shown(user.role()) + ".");
    }

    @PostMapping("/users/{name}/role")
    ModelAndView changeRole(@PathVariable String name, @RequestParam(defaultValue = "") String role,
                            RedirectAttributes flash) {
        String wanted = UserInput.role(role, null);
        if (wanted == null) {
            return page(HttpStatus.BAD_REQUEST, new UserInput().role(role).errors());
        }
        return outcome(Blocking.get(users.changeRole(name, wanted)), name, "role", flash,
                name + " is now " + shown(wanted) + ".");
    }

    @PostMapping("/users/{name}/password")
    ModelAndView resetPassword(@PathVariable String name, @RequestParam(defaultValue = "") String password,
                               RedirectAttributes flash) {
        Map<String, String> errors = new UserInput().password(password).errors();
        if (!errors.isEmpty()) {
            return page(HttpStatus.BAD_REQUEST, Map.of("password", errors.get("password") + " (for " + name + ")"));
        }
        return outcome(Blocking.get(users.resetPassword(name, bcrypt.encode(password))), name, "password", flash,
                "Password of " + name + " reset.");
    }

    @PostMapping("/users/{name}/delete")
    ModelAndView delete(@PathVariable String name, Authentication me, RedirectAttributes flash) {
        if (name.equals(me.getName())) {
            return page(HttpStatus.CONFLICT, Map.of("username", "you cannot delete yourself; ask another admin"));
        }
        return outcome(Blocking.get(users.delete(name)), name, "username", flash, "User " + name + " deleted.");
    }

    private ModelAndView outcome(UserChange change, String name, String field, RedirectAttributes flash,
                                 String message) {
        return switch (change) {
            case DONE -> done(flash, message);
            case NO_SUCH_USER -> throw new ConsoleErrors.NotFound("no console user " + name);
            case LAST_ADMIN -> page(HttpStatus.CONFLICT,
                    Map.of(field, name + " is the last admin; make another user admin first"));
        };
    }

    private ModelAndView done(RedirectAttributes flash, String message) {
        flash.addFlashAttribute("message", message);
        return new ModelAndView("redirect:/users");
    }

    private ModelAndView page(HttpStatus status, Map<String, String> errors) {
        ModelAndView page = new ModelAndView("users/users", status);
        page.addObject("users", Blocking.list(users.list()));
        page.addObject("roles", ConsoleUserStore.roles().stream().map(UserController::shown).toList());
        page.addObject("errors", errors);
        return page;
    }

    /** A role as the page names it. */
    static String shown(String role) {
        return role.toLowerCase(java.util.Locale.ROOT);
    }
}
