package io.ezthrottle.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates requests that must all be refused: every one carries at least one defect that makes it invalid by
 * construction (broken or non-object JSON, a wrong content type, an oversized body, or exactly one field that the
 * contract forbids, injected last so no other mutation can repair it), plus random noise elsewhere to reach odd
 * corners of the parser. Deterministic for a given seed.
 */
final class MalformedPayloads {

    static final String JOBS = "/api/v1/jobs";
    static final String PROXY = "/api/v1/proxy";
    static final int LIMIT = 1_048_576;

    /**
     * One request to send.
     *
     * @param path           endpoint
     * @param contentType    Content-Type header, or null for none
     * @param extraHeader    an additional header value for {@code X-Fuzz} (huge headers), or null
     * @param body           raw body bytes
     * @param chunked        send without Content-Length
     * @param what           description of the defect, for failure messages
     */
    record Case(String path, String contentType, String extraHeader, byte[] body, boolean chunked, String what) {
        String preview() {
            String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return what + " " + path + " [" + contentType + "] " + text + (body.length > 300 ? "… (" + body.length + " bytes)" : "");
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] NESTED = {"fallback_job", "on_success", "on_failure"};
    private static final String[] NESTED_CAMEL = {"fallbackJob", "onSuccess", "onFailure"};
    private static final String[] BAD_CONTENT_TYPES = {"application/xml", "multipart/form-data; boundary=x",
            "application/octet-stream", "image/png", "text/html", "garbage", "application/", "text/csv; charset=utf-8"};
    private static final String[] JSON_CONTENT_TYPES = {"application/json", "application/json; charset=utf-8", null,
            "text/plain", "application/vnd.api+json"};

    private final Random random;
    private final List<Supplier<Case>> weighted = new ArrayList<>();

    MalformedPayloads(Random random) {
        this.random = random;
        // weights: mostly structured defects; the 1 MiB bodies and huge headers are few because they are costly
        add(48, () -> jobs("invalid field", invalidJob()));
        add(120, () -> jobs("invalid field + noise", noisy(invalidJob())));
        add(24, this::randomBytes);
        add(24, this::truncated);
        add(20, this::notAnObject);
        add(8, this::deeplyNested);
        add(8, this::badUtf8);
        add(16, this::wrongContentType);
        add(1, this::oversized);
        add(1, this::hugeHeader);
        add(48, this::proxyWithInvalidInnerJob);
        add(24, this::proxyWithInvalidEnvelope);
        add(12, this::proxyWithInvalidSecret);
        add(8, this::proxyWrongMethod);
    }

    private void add(int weight, Supplier<Case> kind) {
        for (int i = 0; i < weight; i++) {
            weighted.add(kind);
        }
    }

    Case next() {
        return weighted.get(random.nextInt(weighted.size())).get();
    }


    private Case jobs(String what, ObjectNode job) {
        return new Case(JOBS, jsonType(), null, bytes(job), random.nextInt(10) == 0, what);
    }

    private Case randomBytes() {
        byte[] b = new byte[random.nextInt(400)];
        random.nextBytes(b);
        if (b.length > 0 && random.nextBoolean()) {
            b[0] = '{';
        }
        return new Case(JOBS, jsonType(), null, b, false, "random bytes");
    }

    private Case truncated() {
        byte[] full = bytes(validJob());
        // anything shorter than the whole object lacks its closing brace: never valid JSON
        int cut = random.nextInt(full.length - 1);
        byte[] b = new byte[cut];
        System.arraycopy(full, 0, b, 0, cut);
        return new Case(JOBS, jsonType(), null, b, false, "truncated JSON");
    }

    private Case notAnObject() {
        JsonNode value = switch (random.nextInt(6)) {
            case 0 -> NODES.numberNode(random.nextInt());
            case 1 -> NODES.stringNode(randomText(20));
            case 2 -> NODES.booleanNode(random.nextBoolean());
            case 3 -> NODES.nullNode();
            case 4 -> NODES.arrayNode().add(validJob());
            default -> NODES.arrayNode();
        };
        return new Case(JOBS, jsonType(), null, bytes(value), false, "JSON that is not an object");
    }

    private Case deeplyNested() {
        int depth = 1_200 + random.nextInt(3_000);
        StringBuilder sb = new StringBuilder("{\"url\":\"https://api.example.com/deep\",\"metadata\":");
        sb.append("{\"a\":".repeat(depth)).append("1").append("}".repeat(depth)).append('}');
        return new Case(JOBS, jsonType(), null, sb.toString().getBytes(StandardCharsets.UTF_8), false,
                "nesting beyond the parser's limit");
    }

    private Case badUtf8() {
        byte[] head = "{\"url\":\"https://api.example.com/".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF};
        byte[] b = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, b, 0, head.length);
        System.arraycopy(bad, 0, b, head.length, bad.length);
        System.arraycopy(tail, 0, b, head.length + bad.length, tail.length);
        return new Case(JOBS, jsonType(), null, b, false, "invalid UTF-8");
    }

    private Case wrongContentType() {
        // a job that would be accepted as JSON, declared as something else
        return new Case(JOBS, BAD_CONTENT_TYPES[random.nextInt(BAD_CONTENT_TYPES.length)], null, bytes(validJob()),
                false, "wrong content type");
    }

    private Case oversized() {
        ObjectNode job = validJob();
        job.put("body", "x".repeat(LIMIT + random.nextInt(64 * 1024)));
        return new Case(JOBS, "application/json", null, bytes(job), random.nextBoolean(), "over the body limit");
    }

    private Case hugeHeader() {
        // no body: the server answers 431 and closes at once, and a client still sending a body would see only the close
        return new Case(JOBS, "application/json", "h".repeat(20_000 + random.nextInt(20_000)), new byte[0],
                false, "request header over the server's limit");
    }

    private Case proxyWithInvalidInnerJob() {
        ObjectNode inner = random.nextBoolean() ? invalidJob() : noisy(invalidJob());
        ObjectNode envelope = envelope("/api/v1/jobs", "POST");
        if (random.nextInt(4) == 0) {
            envelope.set("body", inner);
        } else {
            envelope.put("body", inner.toString());
        }
        return proxy(envelope, "inner job with an invalid field");
    }

    private Case proxyWithInvalidEnvelope() {
        ObjectNode envelope = envelope("/api/v1/jobs", "POST");
        envelope.put("body", validJob().toString());
        switch (random.nextInt(8)) {
            case 0 -> envelope.remove("target_url");
            case 1 -> envelope.set("target_url", randomScalarOrContainer());
            case 2 -> envelope.put("target_url", "https://ezthrottle.fly.dev/" + randomPathSegment());
            case 3 -> envelope.put("target_url", "http://[broken/api/v1/jobs");
            case 4 -> envelope.set("method", NODES.numberNode(random.nextInt(1000)));
            case 5 -> envelope.put("method", "PO ST");
            case 6 -> envelope.set("headers", random.nextBoolean() ? NODES.stringNode("x")
                    : NODES.objectNode().put("X-A", random.nextInt()));
            default -> envelope.set("body", random.nextBoolean() ? NODES.numberNode(random.nextInt())
                    : NODES.booleanNode(true));
        }
        return proxy(envelope, "invalid envelope");
    }

    private Case proxyWithInvalidSecret() {
        ObjectNode secret = NODES.objectNode();
        switch (random.nextInt(5)) {
            case 0 -> secret.put("primary_secret", "s".repeat(random.nextInt(16)));
            case 1 -> secret.put("primary_secret", random.nextInt());
            case 2 -> secret.put("unrelated", "value");
            case 3 -> secret.put("primary_secret", "p".repeat(513 + random.nextInt(100)));
            default -> secret.put("primary_secret", "long-enough-primary-secret").put("secondary_secret", "short");
        }
        ObjectNode envelope = envelope("/api/v1/webhook-secrets", "POST");
        envelope.put("body", secret.toString());
        return proxy(envelope, "invalid webhook secret");
    }

    private Case proxyWrongMethod() {
        ObjectNode envelope = envelope("/api/v1/jobs", random.nextBoolean() ? "PATCH" : "GET");
        envelope.put("body", random.nextBoolean() ? "" : validJob().toString());
        return proxy(envelope, "method the inner route does not serve");
    }

    private ObjectNode envelope(String path, String method) {
        ObjectNode envelope = NODES.objectNode();
        envelope.put("scope", "customer");
        envelope.put("metric_name", "");
        envelope.put("target_url", (random.nextBoolean() ? "https://ezthrottle.fly.dev" : "http://localhost:8080") + path);
        envelope.put("method", method);
        envelope.putObject("headers").put("Content-Type", "application/json");
        return envelope;
    }

    private Case proxy(ObjectNode envelope, String what) {
        return new Case(PROXY, "application/json", null, bytes(envelope), false, "proxy: " + what);
    }


    /** A job every SDK could send (Node, Python or Go shape), valid as it stands. */
    ObjectNode validJob() {
        ObjectNode job = NODES.objectNode();
        job.put("url", "https://api.example.com/fuzz/" + random.nextInt(1_000_000) + "?q=" + random.nextInt(100));
        job.put("method", pick("GET", "POST", "put", "DELETE"));
        switch (random.nextInt(3)) {
            case 0 -> { // Go: always sends the defaults
                job.putObject("headers");
                job.putObject("metadata");
                job.put("webhook_quorum", 1);
                job.put("region_policy", "fallback");
                job.put("execution_mode", "race");
                job.putArray("webhooks").addObject().put("url", "https://hooks.example.com/w").put("hasQuorumVote", true);
            }
            case 1 -> { // Node / Python: only what was set
                job.putArray("webhooks").addObject().put("url", "https://hooks.example.com/w").put("has_quorum_vote", true);
                job.put("idempotent_key", "fuzz_" + random.nextLong());
            }
            default -> job.put("body", "{\"amount\": " + random.nextInt(10_000) + "}");
        }
        if (random.nextInt(3) == 0) {
            ObjectNode fallback = job.putObject(random.nextBoolean() ? "fallback_job" : "fallbackJob");
            fallback.put("url", "https://backup.example.com/f");
            fallback.putObject("trigger").put("type", "on_error").putArray("codes").add(500).add(503);
        }
        return job;
    }

    /** A valid job with exactly one forbidden value, placed at the root or in a nested job. */
    private ObjectNode invalidJob() {
        ObjectNode root = validJob();
        ObjectNode target = random.nextInt(3) == 0 ? nestedLevel(root) : root;
        injectDefect(target);
        return root;
    }

    /** A nested job to put the defect in; an existing one keeps its spelling (the snake_case one wins if both). */
    private ObjectNode nestedLevel(ObjectNode root) {
        int which = random.nextInt(NESTED.length);
        String snake = NESTED[which];
        String camel = NESTED_CAMEL[which];
        if (root.get(snake) instanceof ObjectNode o) {
            return o;
        }
        if (root.get(snake) == null && root.get(camel) instanceof ObjectNode o) {
            return o;
        }
        ObjectNode child = NODES.objectNode();
        child.put("url", "https://child.example.com/c");
        root.remove(camel);
        root.set(snake, child);
        return child;
    }

    private void injectDefect(ObjectNode job) {
        switch (random.nextInt(24)) {
            case 0 -> job.remove("url");
            case 1 -> job.set("url", random.nextBoolean() ? NODES.nullNode() : NODES.stringNode(""));
            case 2 -> job.set("url", nonString());
            case 3 -> job.put("url", pick("not a url", "ftp://files.example.com/x", "javascript:alert(1)",
                    "//no-scheme.example.com/", "http://", "http:///path", "https://exa mple.com/", "file:///etc/passwd",
                    "gopher://x.example.com/", "http://[::1", "mailto:a@example.com", "/relative/path",
                    "https://" + "a".repeat(4100) + ".example.com/"));
            case 4 -> job.put("url", pick("http://127.0.0.1/", "http://169.254.169.254/latest/", "http://[::1]/",
                    "http://localhost:8080/", "http://10.0.0.1/", "http://0x7f000001/", "http://192.168.0.1/",
                    "http://metadata.google.internal/", "http://[::ffff:127.0.0.1]/", "http://0177.0.0.1/"));
            case 5 -> job.set("method", random.nextBoolean() ? nonString()
                    : NODES.stringNode(pick("GE T", "G\nET", "(GET)", "G@T", "ABCDEFGHIJKLMNOPQ", "PO,ST")));
            case 6 -> job.set("headers", pick(NODES.stringNode("x"), NODES.numberNode(5), NODES.arrayNode(),
                    NODES.booleanNode(true)));
            case 7 -> job.set("headers", badHeaders());
            case 8 -> job.set("body", random.nextBoolean() ? NODES.numberNode(random.nextInt()) : NODES.booleanNode(false));
            case 9 -> job.set("metadata", pick(NODES.stringNode("x"), NODES.numberNode(5), NODES.arrayNode(),
                    NODES.booleanNode(true)));
            case 10 -> job.set("webhooks", badWebhooks());
            case 11 -> job.set("webhook_url", random.nextBoolean() ? nonString()
                    : NODES.stringNode(pick("not-a-url", "http://10.0.0.1/hook", "ftp://x.example.com/")));
            case 12 -> job.set("webhook_quorum", pick(NODES.numberNode(0), NODES.numberNode(-1), NODES.numberNode(1001),
                    NODES.stringNode("two"), NODES.numberNode(1.5), NODES.arrayNode()));
            case 13 -> job.set("regions", regionsDefect());
            case 14 -> job.set(random.nextBoolean() ? "region_policy" : "execution_mode",
                    pick(NODES.stringNode("sometimes"), NODES.numberNode(5), NODES.arrayNode(), NODES.stringNode("parallel")));
            case 15 -> job.set("retry_policy", retryPolicyDefect());
            case 16 -> job.set("trigger", triggerDefect());
            case 17 -> job.set(pick(NESTED), pick(NODES.stringNode("x"), NODES.numberNode(5), NODES.arrayNode(),
                    NODES.objectNode()));
            case 18 -> job.set("fallback_job", chain("fallback_job", 6 + random.nextInt(4)));
            case 19 -> job.set("on_success", chain(random.nextBoolean() ? "on_success" : "on_failure", 12 + random.nextInt(4)));
            case 20 -> job.set("on_failure_timeout_ms", pick(NODES.numberNode(-1), NODES.stringNode("soon"),
                    NODES.numberNode(1.5), NODES.arrayNode()));
            case 21 -> job.set("idempotent_key", random.nextBoolean() ? nonString()
                    : NODES.stringNode("k".repeat(257 + random.nextInt(100))));
            case 22 -> job.set("retry_at", pick(NODES.stringNode("tomorrow"), NODES.numberNode(-5), NODES.objectNode(),
                    NODES.numberNode(1.5)));
            default -> job.set("user_id", pick(NODES.numberNode(5), NODES.arrayNode(), NODES.objectNode(),
                    NODES.booleanNode(true)));
        }
    }

    private JsonNode badHeaders() {
        ObjectNode h = NODES.objectNode();
        switch (random.nextInt(7)) {
            case 0 -> h.put("X-Num", random.nextInt());
            case 1 -> h.set("X-Obj", NODES.objectNode().put("a", 1));
            case 2 -> h.put("bad name", "v");
            case 3 -> h.put("", "v");
            case 4 -> h.put("X-Long", "v".repeat(8_200 + random.nextInt(1_000)));
            case 5 -> h.put("X-Split", "a\r\nInjected: yes");
            default -> {
                for (int i = 0; i < 65 + random.nextInt(10); i++) {
                    h.put("X-H" + i, "v");
                }
            }
        }
        return h;
    }

    private JsonNode badWebhooks() {
        ArrayNode list = NODES.arrayNode();
        switch (random.nextInt(9)) {
            case 0 -> {
                return pick(NODES.stringNode("https://hooks.example.com"), NODES.numberNode(5), NODES.objectNode());
            }
            case 1 -> list.add(5);
            case 2 -> list.addObject();
            case 3 -> list.addObject().put("url", 5);
            case 4 -> list.addObject().put("url", "ftp://hooks.example.com/");
            case 5 -> list.addObject().put("url", "https://hooks.example.com/").put("has_quorum_vote", "yes");
            case 6 -> list.addObject().put("url", "https://hooks.example.com/").put("regions", "iad");
            case 7 -> list.addObject().put("url", pick("http://127.0.0.1:9/hook", "http://[::1]/", "http://10.9.8.7/"));
            default -> {
                for (int i = 0; i < 17 + random.nextInt(5); i++) {
                    list.addObject().put("url", "https://hooks.example.com/" + i);
                }
            }
        }
        return list;
    }

    private JsonNode regionsDefect() {
        ArrayNode list = NODES.arrayNode();
        switch (random.nextInt(4)) {
            case 0 -> {
                return NODES.stringNode("iad");
            }
            case 1 -> list.add(5);
            case 2 -> list.addObject();
            default -> {
                for (int i = 0; i < 33; i++) {
                    list.add("r" + i);
                }
            }
        }
        return list;
    }

    private JsonNode retryPolicyDefect() {
        ObjectNode p = NODES.objectNode();
        switch (random.nextInt(8)) {
            case 0 -> {
                return pick(NODES.stringNode("x"), NODES.numberNode(5), NODES.arrayNode());
            }
            case 1 -> p.put("max_retries", -1);
            case 2 -> p.put("max_retries", 101);
            case 3 -> p.put("retry_codes", "429");
            case 4 -> p.putArray("retry_codes").add(99);
            case 5 -> p.putArray("reroute_codes").add("abc");
            case 6 -> p.put("maxReroutes", 1.5);
            default -> p.put("max_reroutes", 1e20);
        }
        return p;
    }

    private JsonNode triggerDefect() {
        ObjectNode t = NODES.objectNode();
        switch (random.nextInt(7)) {
            case 0 -> {
                return pick(NODES.stringNode("x"), NODES.numberNode(5), NODES.arrayNode());
            }
            case 1 -> t.put("type", "on_whatever");
            case 2 -> t.put("type", "on_timeout");
            case 3 -> t.put("codes", "500");
            case 4 -> t.putArray("codes").add(600);
            case 5 -> t.put("timeout_ms", -5);
            default -> t.put("type", 5);
        }
        return t;
    }

    /** {@code levels} jobs nested under {@code key}, each valid on its own: too deep as a whole. */
    private ObjectNode chain(String key, int levels) {
        ObjectNode top = NODES.objectNode().put("url", "https://chain.example.com/0");
        ObjectNode current = top;
        for (int i = 1; i < levels; i++) {
            ObjectNode next = NODES.objectNode().put("url", "https://chain.example.com/" + i);
            current.set(key, next);
            current = next;
        }
        return top;
    }


    /** Random changes that may or may not be valid on their own; the injected defect stays (it is set after). */
    private ObjectNode noisy(ObjectNode job) {
        ObjectNode noisy = job.deepCopy();
        int changes = 1 + random.nextInt(4);
        for (int i = 0; i < changes; i++) {
            switch (random.nextInt(5)) {
                case 0 -> noisy.set("x_" + randomText(6), randomValue(3));
                case 1 -> noisy.set("customer_id", randomValue(1));
                case 2 -> noisy.set("metadata", NODES.objectNode().set(randomText(8), randomValue(4)));
                case 3 -> noisy.put("idempotent_key_note", randomText(40));
                default -> noisy.set("tags", randomValue(3));
            }
        }
        // re-apply a defect on top: the noise must never be what makes the payload invalid or valid
        injectDefect(noisy);
        return noisy;
    }

    private JsonNode randomValue(int depth) {
        int kind = random.nextInt(depth <= 0 ? 5 : 7);
        return switch (kind) {
            case 0 -> NODES.numberNode(random.nextLong());
            case 1 -> NODES.numberNode(random.nextDouble() * 1e300);
            case 2 -> NODES.stringNode(randomText(random.nextInt(50)));
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.nullNode();
            case 5 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomValue(depth - 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set(randomText(5), randomValue(depth - 1));
                }
                yield o;
            }
        };
    }

    private JsonNode nonString() {
        return pick(NODES.numberNode(random.nextInt()), NODES.arrayNode().add("x"), NODES.objectNode().put("a", 1),
                NODES.booleanNode(true), NODES.numberNode(random.nextDouble()));
    }

    private JsonNode randomScalarOrContainer() {
        return pick(NODES.numberNode(5), NODES.arrayNode(), NODES.objectNode(), NODES.booleanNode(false));
    }

    private String randomPathSegment() {
        return pick("api/v2/jobs", "admin/api/tenants", "api/v1/jobs/a/b", "api/v1/other", "", "actuator/health",
                "api/v1/proxy", "api/v1/dead-letters");
    }

    private String randomText(int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                sb.append((char) ('a' + random.nextInt(26)));
            } else if (kind < 8) {
                sb.append((char) (0x20 + random.nextInt(0x5f)));
            } else if (kind < 9) {
                sb.appendCodePoint(0x80 + random.nextInt(0x2FF80));
            } else {
                sb.append((char) random.nextInt(0x20));
            }
        }
        return sb.toString();
    }

    private String jsonType() {
        return JSON_CONTENT_TYPES[random.nextInt(JSON_CONTENT_TYPES.length)];
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private static byte[] bytes(JsonNode node) {
        return JSON.writeValueAsBytes(node);
    }
}
