package io.ezthrottle.api.admission;

/**
 * Whether a new job may be accepted now, and if not which ceiling refused it.
 *
 * @param admitted whether it may
 * @param reason   {@code queue_depth} or {@code memory} when refused, else null
 * @param current  the measured value that was over the ceiling
 * @param limit    the ceiling
 */
public record AdmissionDecision(boolean admitted, String reason, long current, long limit) {

    public static final AdmissionDecision ADMIT = new AdmissionDecision(true, null, 0, 0);

    public static AdmissionDecision refuse(String reason, long current, long limit) {
        return new AdmissionDecision(false, reason, current, limit);
    }

    /** The local server's wording (compat-protocol §1.5), which its clients and tests match. */
    public String message() {
        return "admission rejected: " + reason + " at " + current + " exceeds limit " + limit;
    }
}
