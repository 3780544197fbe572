package io.ezthrottle.core.job;

/** A payload that cannot become a job; the message names the field path, e.g. {@code fallback_job.url is required}. */
public class InvalidJobException extends RuntimeException {

    private final String field;

    public InvalidJobException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
