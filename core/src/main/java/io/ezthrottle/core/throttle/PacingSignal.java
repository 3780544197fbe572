package io.ezthrottle.core.throttle;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an upstream's response headers say about its pace (compat-protocol §6.1): {@code X-Aqueduct-*} names are
 * read first and win even when unparsable; {@code X-EZTHROTTLE-*} are the aliases. Values use their leading
 * number ({@code "0.5"}, {@code "5 rps"}).
 */
public record PacingSignal(OptionalDouble rpsValue, OptionalInt maxConcurrentValue, Optional<Boolean> accountQueue) {

    private static final Pattern LEADING_FLOAT = Pattern.compile("^\\s*([0-9]+(?:\\.[0-9]+)?)");
    private static final Pattern LEADING_INT = Pattern.compile("^\\s*([0-9]+)");

    /** @param headers response headers with lower-case names */
    public static PacingSignal from(Map<String, String> headers) {
        String rps = pick(headers, "x-aqueduct-rps", "x-ezthrottle-rps");
        String max = pick(headers, "x-aqueduct-max-concurrent", "x-ezthrottle-max-concurrent");
        String account = pick(headers, "x-aqueduct-account-queue", "x-ezthrottle-account-queue");
        OptionalDouble r = OptionalDouble.empty();
        if (rps != null) {
            Matcher m = LEADING_FLOAT.matcher(rps);
            if (m.find()) {
                r = OptionalDouble.of(Double.parseDouble(m.group(1)));
            }
        }
        OptionalInt c = OptionalInt.empty();
        if (max != null) {
            Matcher m = LEADING_INT.matcher(max);
            if (m.find() && m.group(1).length() < 9) {
                c = OptionalInt.of(Integer.parseInt(m.group(1)));
            }
        }
        return new PacingSignal(r, c, DomainLimitsStore.toggle(account));
    }

    private static String pick(Map<String, String> headers, String primary, String alias) {
        String v = headers.get(primary);
        return v != null ? v : headers.get(alias);
    }

    public Optional<Double> rps() {
        return rpsValue.isPresent() ? Optional.of(rpsValue.getAsDouble()) : Optional.empty();
    }

    public Optional<Integer> maxConcurrent() {
        return maxConcurrentValue.isPresent() ? Optional.of(maxConcurrentValue.getAsInt()) : Optional.empty();
    }

    public boolean isEmpty() {
        return rpsValue.isEmpty() && maxConcurrentValue.isEmpty() && accountQueue.isEmpty();
    }
}
