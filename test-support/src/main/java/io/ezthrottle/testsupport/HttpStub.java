package io.ezthrottle.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a loopback port that records every request (with its arrival time) and answers with a
 * configurable response. Used both as an upstream API and as a webhook receiver.
 */
public final class HttpStub implements AutoCloseable {

    /** One recorded request. Header names are lower case. */
    public record Request(long arrivedNanos, long arrivedMillis, String method, String path, String query,
                          Map<String, String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /** What to answer. */
    public record Response(int status, Map<String, String> headers, String body) {
        public static Response ok(String body) {
            return new Response(200, Map.of("Content-Type", "application/json"), body);
        }

        public static Response status(int status) {
            return new Response(status, Map.of("Content-Type", "application/json"), "{\"status\":" + status + "}");
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Response> responder = r -> Response.ok("{\"ok\":true}");

    public HttpStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "http-stub");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            long nanos = System.nanoTime();
            long millis = System.currentTimeMillis();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(", ", v)));
            Request request = new Request(nanos, millis, exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), headers, body);
            requests.add(request);
            Response response;
            try {
                response = responder.apply(request);
            } catch (RuntimeException e) {
                response = new Response(500, Map.of(), e.toString());
            }
            byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
    }

    public HttpStub respond(Function<Request, Response> responder) {
        this.responder = responder;
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public String url(String path) {
        return url() + path;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    public int count() {
        return requests.size();
    }

    public void clear() {
        requests.clear();
    }

    /** Polls until {@code count() >= n} or the deadline passes; returns the requests seen. */
    public List<Request> awaitCount(int n, Duration timeout) {
        Await.until(() -> count() >= n, timeout, () -> "expected " + n + " requests, got " + count());
        return requests();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
