package io.ezthrottle.bench.load;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one load step measured.
 *
 * @param offeredRate  requests per second the schedule offered
 * @param sent         requests sent
 * @param statuses     responses per HTTP status; transport failures and timeouts under {@code -1}
 * @param latency      microseconds from each request's intended send time to its answer (every request, answered or
 *                     not: a timeout counts with the time it took to give up)
 * @param seconds      from the first intended send to the last answer
 * @param maxLagMicros how far the sending loop ever fell behind the schedule (the generator's own health)
 */
public record StepResult(double offeredRate, long sent, Map<Integer, Long> statuses, LatencyHistogram latency,
                         double seconds, long maxLagMicros) {

    public StepResult {
        statuses = Map.copyOf(new TreeMap<>(statuses));
    }

    public long count(int status) {
        return statuses.getOrDefault(status, 0L);
    }

    /** Answers with a status in [from, to]. */
    public long countBetween(int from, int to) {
        return statuses.entrySet().stream().filter(e -> e.getKey() >= from && e.getKey() <= to)
                .mapToLong(Map.Entry::getValue).sum();
    }

    public double percentSuccessful(int status) {
        return sent == 0 ? 0 : 100.0 * count(status) / sent;
    }

    /** Answers with {@code status} per second of the step. */
    public double ratePerSecond(int status) {
        return seconds <= 0 ? 0 : count(status) / seconds;
    }

    public double millis(double percentile) {
        return latency.percentile(percentile) / 1000.0;
    }

    /** Failures other than HTTP answers, e.g. {@code "timeouts/transport: 12"}; empty when none. */
    public long transportFailures() {
        return count(-1);
    }
}
