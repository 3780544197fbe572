package io.ezthrottle.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import redis.embedded.RedisServer;

/**
 * One real {@code redis-server} (the binary shipped in the embedded-redis artifact) for the whole test JVM, on a
 * free loopback port. Started on first use, stopped when the JVM exits.
 */
public final class RedisTestServer {

    private static RedisTestServer shared;

    private final RedisServer server;
    private final int port;

    private RedisTestServer() {
        this.port = freePort();
        try {
            this.server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .setting("maxclients 2000")
                    .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded redis-server", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
    }

    /** The JVM-wide server, started on first call. */
    public static synchronized RedisTestServer shared() {
        if (shared == null) {
            shared = new RedisTestServer();
        }
        return shared;
    }

    /** A server of its own (for tests that must kill or isolate Redis). */
    public static RedisTestServer dedicated() {
        return new RedisTestServer();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            // best effort at shutdown
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
