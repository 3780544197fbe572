package io.ezthrottle.core.job;

/**
 * Structural limits applied while parsing a payload, so that no valid-looking payload can exhaust memory or stack.
 *
 * @param maxFallbackDepth   deepest allowed {@code fallback_job} chain below one job
 * @param maxNestingDepth    deepest allowed nesting of any nested jobs (fallbacks and follow-ups together)
 * @param maxHeaders         most request headers one job may carry
 * @param maxHeaderBytes     longest header name plus value, in characters
 * @param maxWebhooks        most webhooks one job may list
 * @param maxUrlLength       longest accepted URL
 * @param maxKeyLength       longest accepted idempotency key
 */
public record JobLimits(int maxFallbackDepth, int maxNestingDepth, int maxHeaders, int maxHeaderBytes,
                        int maxWebhooks, int maxUrlLength, int maxKeyLength) {

    public static final JobLimits DEFAULT = new JobLimits(5, 10, 64, 8192, 16, 4096, 256);
}
