package io.ezthrottle.admin.security;

/**
 * The console's two roles. A viewer sees every page; only an admin changes anything, which the filter chain enforces
 * for every request that is not a read ({@link AdminSecurity}), so a new form cannot forget the check.
 */
public final class ConsoleRoles {

    public static final String ADMIN = "ADMIN";
    public static final String VIEWER = "VIEWER";

    private ConsoleRoles() {
    }
}
