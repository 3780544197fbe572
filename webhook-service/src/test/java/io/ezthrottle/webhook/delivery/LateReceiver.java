package io.ezthrottle.webhook.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.ezthrottle.testsupport.RedisTestServer;

/**
 * A webhook receiver that is down (nothing listens on its port, so connections are refused) until {@link #start()},
 * then answers 200 to everything and records each request's arrival time and body.
 */
final class LateReceiver implements AutoCloseable {

    /** One request received. */
    record Arrival(long millis, byte[] body) {
    }

    private final int port = RedisTestServer.freePort();
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private HttpServer server;

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    void start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                arrivals.add(new Arrival(System.currentTimeMillis(), in.readAllBytes()));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
