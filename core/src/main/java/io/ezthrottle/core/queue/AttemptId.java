package io.ezthrottle.core.queue;

/**
 * One unit of dispatch work of a job: which stage of its fallback chain ({@code 0} = the job itself, {@code 1} =
 * its {@code fallback_job}, ...) in which region ({@code *} = any region). A race over three regions has three
 * attempts of stage 0; an on_timeout fallback adds an attempt of stage 1 beside them.
 */
public record AttemptId(int stage, String region) {

    public static final String ANY_REGION = "*";

    public static AttemptId parse(String text) {
        int at = text.indexOf('@');
        return new AttemptId(Integer.parseInt(text.substring(0, at)), text.substring(at + 1));
    }

    public boolean anyRegion() {
        return ANY_REGION.equals(region);
    }

    @Override
    public String toString() {
        return stage + "@" + region;
    }
}
