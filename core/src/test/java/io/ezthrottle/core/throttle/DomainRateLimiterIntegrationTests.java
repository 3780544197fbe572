package io.ezthrottle.core.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.ezthrottle.core.redis.RedisClientFactory;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.redisson.api.RedissonClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Two replicas' limiters sharing one destination's bucket in a real Redis. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DomainRateLimiterIntegrationTests {

    private static final Duration T = Duration.ofSeconds(30);
    private static final Duration MAX_WAIT = Duration.ofSeconds(5);
    /** How late the slow replica hears every Redis reply. */
    private static final Duration REPLY_DELAY = Duration.ofMillis(150);

    private final RedisKeys keys = new RedisKeys("drl-" + UUID.randomUUID());
    private SlowReplies slow;
    private RedissonClient fastRedis;
    private RedissonClient slowRedis;
    private DomainRateLimiter fast;
    private DomainRateLimiter late;

    @BeforeAll
    void connect() throws IOException {
        slow = new SlowReplies(RedisTestServer.shared().port(), REPLY_DELAY);
        fastRedis = RedisClientFactory.create(RedisTestServer.shared().url(), 2);
        slowRedis = RedisClientFactory.create("redis://127.0.0.1:" + slow.port(), 2);
        fast = new DomainRateLimiter(fastRedis, keys);
        late = new DomainRateLimiter(slowRedis, keys);
        // The first reservation of a JVM pays for class loading and connection set-up, which would start that
        // window late for reasons that have nothing to do with pacing.
        DomainLimits warm = new DomainLimits(1000, 10, 1, "configured");
        fast.acquire(fresh(), warm, MAX_WAIT).block(T);
        late.acquire(fresh(), warm, MAX_WAIT).block(T);
    }

    @AfterAll
    void disconnect() {
        fast.close();
        late.close();
        fastRedis.shutdown();
        slowRedis.shutdown();
        slow.close();
    }

    private static String fresh() {
        return "api-" + UUID.randomUUID() + ".example.test";
    }

    /**
     * At 2/s every window is 500 ms. The second replica hears each reply 150 ms late: if it counted its wait from the
     * reply, its windows would begin 150 ms late and the other replica's next one 350 ms after them.
     */
    @Test
    void windowsOfTwoReplicasNeverCloseUpEvenWhenOneHearsBackLate() {
        String d = fresh();
        DomainLimits limits = new DomainLimits(2, 10, 1, "configured");
        long window = limits.intervalNanos() * limits.batch();
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        // The saved-up window begins as it is taken: a replica that hears of it late starts it late whatever it
        // does, so the slow one joins once the bucket is booked ahead.
        grants(fast, d, limits, 1, starts).block(T);
        Flux.merge(grants(fast, d, limits, 6, starts), grants(late, d, limits, 7, starts)).blockLast(T);

        long[] sorted = starts.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] gaps = new long[sorted.length - 1];
        for (int i = 1; i < sorted.length; i++) {
            gaps[i - 1] = sorted[i] - sorted[i - 1];
        }
        assertThat(Arrays.stream(gaps).min().orElseThrow())
                .as("shortest gap between two windows (ms): %s", Arrays.toString(Arrays.stream(gaps).map(g -> g / 1_000_000).toArray()))
                .isGreaterThan(window * 85 / 100);
        assertThat(sorted.length - 1L).as("windows after the first").isLessThanOrEqualTo((sorted[sorted.length - 1] - sorted[0]) / window + 1);
    }

    /** Takes {@code n} windows one after another, as a lane does, noting when each began. */
    private static Mono<Void> grants(DomainRateLimiter limiter, String destination, DomainLimits limits, int n,
                                     List<Long> starts) {
        return limiter.acquire(destination, limits, MAX_WAIT)
                .doOnNext(ok -> {
                    starts.add(System.nanoTime());
                    assertThat(ok).isTrue();
                })
                .repeat(n - 1)
                .then();
    }

    @Test
    void aWindowFurtherAwayThanMaxWaitIsRefusedAtOnceAndLeftFree() {
        String d = fresh();
        DomainLimits limits = new DomainLimits(1, 10, 1, "configured");
        assertThat(fast.acquire(d, limits, MAX_WAIT).block(T)).as("the saved-up window").isTrue();
        long first = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            long asked = System.nanoTime();
            assertThat(fast.acquire(d, limits, Duration.ofMillis(200)).block(T)).as("the next window, 1 s away").isFalse();
            assertThat(System.nanoTime() - asked).as("refused without waiting").isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
        }
        assertThat(late.acquire(d, limits, MAX_WAIT).block(T)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - first))
                .as("the other replica got the window right after the first: the refusals booked nothing")
                .isBetween(Duration.ofMillis(850), Duration.ofMillis(1500));
    }

    /**
     * A loopback TCP relay to Redis that hands every reply to the client {@code delay} late (requests go through at
     * once), in order: a replica whose round trips are slow.
     */
    private static final class SlowReplies implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

        SlowReplies(int redisPort, Duration delay) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            daemon(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                        client.setTcpNoDelay(true);
                        redis.setTcpNoDelay(true);
                        sockets.add(client);
                        sockets.add(redis);
                        daemon(() -> copy(client, redis));
                        LinkedBlockingQueue<Object[]> replies = new LinkedBlockingQueue<>();
                        daemon(() -> read(redis, replies));
                        daemon(() -> deliver(replies, client, delay.toNanos()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private static void copy(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // connection closed
            }
        }

        private static void read(Socket redis, LinkedBlockingQueue<Object[]> replies) {
            byte[] buffer = new byte[65536];
            try (InputStream in = redis.getInputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    replies.add(new Object[] {System.nanoTime(), Arrays.copyOf(buffer, n)});
                }
            } catch (IOException e) {
                // connection closed
            }
        }

        private static void deliver(LinkedBlockingQueue<Object[]> replies, Socket client, long delayNanos) {
            try {
                OutputStream out = client.getOutputStream();
                while (true) {
                    Object[] reply = replies.take();
                    long due = (long) reply[0] + delayNanos - System.nanoTime();
                    if (due > 0) {
                        TimeUnit.NANOSECONDS.sleep(due);
                    }
                    out.write((byte[]) reply[1]);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // connection closed
            }
        }

        private static void daemon(Runnable body) {
            Thread t = new Thread(body, "slow-replies");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() {
            try {
                server.close();
                for (Socket s : List.copyOf(sockets)) {
                    s.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
