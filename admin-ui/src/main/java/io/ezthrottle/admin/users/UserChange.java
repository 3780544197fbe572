package io.ezthrottle.admin.users;

/** What became of a change to a console user: the store answers with one of these instead of throwing. */
public enum UserChange {
    /** The change is stored. */
    DONE,
    /** There is no such user (any more). */
    NO_SUCH_USER,
    /** Refused: it would leave the console without an administrator. */
    LAST_ADMIN;

    /** The reply of the store's scripts. */
    static UserChange fromScript(String reply) {
        return switch (reply) {
            case "done" -> DONE;
            case "missing" -> NO_SUCH_USER;
            case "last-admin" -> LAST_ADMIN;
            default -> throw new IllegalStateException("unexpected script reply " + reply);
        };
    }
}
