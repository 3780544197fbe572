package io.ezthrottle.worker.recovery;

import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.ezthrottle.core.config.CoreProperties;
import io.ezthrottle.core.queue.LiveRegions;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.worker.WorkerProperties;
import io.ezthrottle.worker.region.WorkerIdentity;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import reactor.core.publisher.Mono;

/** The heartbeat keeps beating when a beat takes longer than its period (a loaded host or a slow Redis). */
class WorkerHeartbeatTests {

    @Test
    void slowBeatsDoNotStopTheHeartbeat() {
        var source = new MapConfigurationPropertySource(Map.of("ezthrottle.worker.heartbeat-ttl", "400ms",
                "ezthrottle.region", "iad"));
        WorkerProperties properties = new Binder(source).bindOrCreate("ezthrottle.worker", WorkerProperties.class);
        CoreProperties core = new Binder(source).bindOrCreate("ezthrottle", CoreProperties.class);
        AtomicInteger beats = new AtomicInteger();
        LiveRegions live = mock(LiveRegions.class);
        // Every beat takes three periods (the period is 100 ms).
        when(live.beat(anyString(), anyString(), anyLong())).thenAnswer(i -> Mono.delay(Duration.ofMillis(300))
                .doOnNext(t -> beats.incrementAndGet()).then());
        when(live.leave(anyString(), anyString())).thenReturn(Mono.empty());

        WorkerHeartbeat heartbeat = new WorkerHeartbeat(live, new WorkerIdentity(core, properties), properties);
        heartbeat.start();
        try {
            Await.until(() -> beats.get() >= 6, Duration.ofSeconds(5), () -> "beats so far: " + beats.get());
        } finally {
            heartbeat.stop();
        }
    }
}
