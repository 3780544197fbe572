package io.ezthrottle.admin.security;

import java.util.UUID;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * One console user from the configuration. Its password is stored only as a BCrypt hash: a plain password from the
 * configuration is hashed at start, a {@code {bcrypt}...} value is used as it is (so no clear password needs to be
 * deployed). See {@link ConfiguredUsers}.
 *
 * @param name     login name
 * @param password plain password or {@code {bcrypt}} hash; never logged
 * @param role     {@link ConsoleRoles#ADMIN} or {@link ConsoleRoles#VIEWER}
 */
record ConsoleAccount(String name, String password, String role) {

    static final String BCRYPT_PREFIX = "{bcrypt}";

    /** A {@code name:password} entry of {@code ezthrottle.admin.viewers}. */
    static ConsoleAccount viewer(String entry) {
        int colon = entry.indexOf(':');
        if (colon <= 0 || colon == entry.length() - 1) {
            // the entry itself may hold a password: name only its position
            throw new IllegalArgumentException("ezthrottle.admin.viewers entries must be name:password");
        }
        return new ConsoleAccount(entry.substring(0, colon).trim(), entry.substring(colon + 1), ConsoleRoles.VIEWER);
    }

    /** A random password for an administrator configured without one. */
    static String generatedPassword() {
        return UUID.randomUUID().toString();
    }

    /** The BCrypt hash to store. */
    String hash(PasswordEncoder bcrypt) {
        return password.startsWith(BCRYPT_PREFIX) ? password.substring(BCRYPT_PREFIX.length()) : bcrypt.encode(password);
    }

    @Override
    public String toString() {
        return "ConsoleAccount[" + name + ", " + role + "]";
    }
}
