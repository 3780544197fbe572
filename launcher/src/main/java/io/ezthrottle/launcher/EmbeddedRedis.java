package io.ezthrottle.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import redis.embedded.RedisServer;

/**
 * A real {@code redis-server} (the binary shipped in the embedded-redis artifact) on a free loopback port, for a
 * zero-setup local run. Data lives in memory only: this is for trying the platform, not for production.
 */
final class EmbeddedRedis implements AutoCloseable {

    private final RedisServer server;
    private final int port;

    EmbeddedRedis() {
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded redis-server", e);
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            // shutting down anyway
        }
    }
}
