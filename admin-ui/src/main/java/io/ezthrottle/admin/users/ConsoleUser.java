package io.ezthrottle.admin.users;

import io.ezthrottle.admin.security.ConsoleRoles;

/**
 * A console user as stored in Redis: a name, a role and a BCrypt hash of the password (the clear password is never
 * stored, and never printed: see {@link #toString()}).
 *
 * @param name         login name
 * @param role         {@link ConsoleRoles#ADMIN} or {@link ConsoleRoles#VIEWER}
 * @param passwordHash BCrypt hash ({@code $2a$...})
 */
public record ConsoleUser(String name, String role, String passwordHash) {

    /** Separates role and hash in the stored value; BCrypt's alphabet has no {@code |}. */
    static final char SEPARATOR = '|';

    public ConsoleUser {
        checkedRole(role);
    }

    static String checkedRole(String role) {
        if (!ConsoleRoles.ADMIN.equals(role) && !ConsoleRoles.VIEWER.equals(role)) {
            throw new IllegalArgumentException("unknown console role " + role);
        }
        return role;
    }

    public boolean admin() {
        return ConsoleRoles.ADMIN.equals(role);
    }

    /** The value of the user's field in the users hash. */
    String stored() {
        return role + SEPARATOR + passwordHash;
    }

    /** The user whose field {@code name} holds {@code value}. */
    static ConsoleUser fromStored(String name, String value) {
        int bar = value.indexOf(SEPARATOR);
        if (bar <= 0) {
            // never echo the value: it holds a password hash
            throw new IllegalStateException("malformed console user entry for " + name);
        }
        return new ConsoleUser(name, value.substring(0, bar), value.substring(bar + 1));
    }

    @Override
    public String toString() {
        return "ConsoleUser[" + name + ", " + role + "]";
    }
}
