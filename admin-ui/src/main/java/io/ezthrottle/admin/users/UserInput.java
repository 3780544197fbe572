package io.ezthrottle.admin.users;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.ezthrottle.admin.security.ConsoleRoles;

/**
 * What the Users page accepts, checked field by field so the page can name each bad field. Problems are returned as
 * {@code field → message}, never thrown: a form with three mistakes shows all three.
 */
final class UserInput {

    static final int MIN_PASSWORD = 12;
    /** BCrypt reads at most 72 bytes; a longer password would have a silently ignored tail. */
    static final int MAX_PASSWORD_BYTES = 72;
    static final int MAX_NAME = 64;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1," + MAX_NAME + "}");

    private final Map<String, String> errors = new LinkedHashMap<>();

    UserInput username(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            errors.put("username", "1 to " + MAX_NAME + " characters: letters, digits, '.', '_', '@' or '-'");
        }
        return this;
    }

    UserInput password(String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            errors.put("password", "at least " + MIN_PASSWORD + " characters");
        } else if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            errors.put("password", "at most " + MAX_PASSWORD_BYTES + " bytes (BCrypt ignores the rest)");
        }
        return this;
    }

    UserInput role(String role) {
        if (role(role, null) == null) {
            errors.put("role", "admin or viewer");
        }
        return this;
    }

    Map<String, String> errors() {
        return errors;
    }

    /** The role a form names ({@code admin}, {@code viewer}, any case), or {@code otherwise}. */
    static String role(String wire, String otherwise) {
        String upper = wire == null ? "" : wire.trim().toUpperCase(Locale.ROOT);
        return ConsoleRoles.ADMIN.equals(upper) || ConsoleRoles.VIEWER.equals(upper) ? upper : otherwise;
    }
}
