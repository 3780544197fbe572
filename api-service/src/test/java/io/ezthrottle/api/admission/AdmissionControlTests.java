package io.ezthrottle.api.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The admission decision and its Retry-After schedule, without Redis (the queue-depth gauge is not sampling). */
class AdmissionControlTests {

    private static final long MIB = 1024 * 1024;

    private final AtomicLong heap = new AtomicLong(100 * MIB);

    @Test
    void retryAfterDoublesFromTheBaseToTheCapAndResetsOnceAJobIsAdmitted() {
        AdmissionControl control = control(properties(0, 1));
        List<Long> schedule = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            schedule.add(control.refused());
        }

        assertThat(schedule).containsExactly(5L, 10L, 20L, 40L, 60L, 60L, 60L);
        assertThat(control.retryAfterSeconds()).isEqualTo(60);

        control.admitted();

        assertThat(control.retryAfterSeconds()).isEqualTo(5);
        assertThat(control.refused()).isEqualTo(5);
        assertThat(control.refused()).isEqualTo(10);
    }

    @Test
    void memoryCeilingRefusesWhileTheHeapIsAboveItWithTheLocalServersWording() {
        AdmissionControl control = control(properties(0, 150));

        assertThat(control.decide().admitted()).isTrue();
        heap.set(151 * MIB);
        AdmissionDecision refused = control.decide();

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.reason()).isEqualTo("memory");
        assertThat(refused.current()).isEqualTo(151);
        assertThat(refused.limit()).isEqualTo(150);
        assertThat(refused.message()).isEqualTo("admission rejected: memory at 151 exceeds limit 150");
        assertThat(control.snapshot().state()).isEqualTo("shedding");
        heap.set(149 * MIB);
        assertThat(control.snapshot().state()).isEqualTo("accepting");
    }

    @Test
    void withoutCeilingsEverythingIsAdmitted() {
        heap.set(Long.MAX_VALUE);
        AdmissionControl control = control(properties(0, 0));

        assertThat(control.decide().admitted()).isTrue();
        assertThat(control.snapshot().enabled()).isFalse();
        assertThat(control.snapshot().queueDepth()).isEqualTo(-1);
    }

    @Test
    void invalidSettingsAreRefusedAtStartUp() {
        assertThatThrownBy(() -> new AdmissionProperties(-1, 0, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AdmissionProperties(0, 0, Duration.ofSeconds(90), Duration.ofSeconds(60),
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AdmissionProperties(0, 0, Duration.ofMillis(10), Duration.ofSeconds(60),
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }

    private static AdmissionProperties properties(long maxQueueDepth, long memoryLimitMb) {
        return new AdmissionProperties(maxQueueDepth, memoryLimitMb, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(1));
    }

    private AdmissionControl control(AdmissionProperties properties) {
        // the gauge only samples when started and a depth ceiling is set; here it never is
        return new AdmissionControl(properties, new QueueDepthGauge(null, null, null, properties), heap::get);
    }
}
