package io.ezthrottle.core.job;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a submitted job payload into a {@link JobSpec}, following compat-protocol §2.5: both spellings at every
 * nesting level (snake_case wins when both are present), absent/null/"" mean "default", unknown fields are
 * ignored, {@code customer_id} is ignored, every error names the field path.
 */
public final class JobPayloadParser {

    private static final Pattern METHOD_TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern HEADER_NAME = METHOD_TOKEN;
    private static final long SECONDS_THRESHOLD = 100_000_000_000L;

    private final JobLimits limits;
    private final ObjectMapper json = JsonMapper.builder().build();

    public JobPayloadParser(JobLimits limits) {
        this.limits = limits;
    }

    public JobPayloadParser() {
        this(JobLimits.DEFAULT);
    }

    /** Parses the root job of a submission. */
    public JobSpec parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidJobException("body", "must be a JSON object");
        }
        return job(root, "", 0);
    }

    private JobSpec job(JsonNode node, String path, int depth) {
        if (depth > limits.maxNestingDepth()) {
            throw new InvalidJobException(strip(path), "nests jobs deeper than " + limits.maxNestingDepth());
        }
        String url = httpUrl(node, path, "url", true);
        String method = method(node, path);
        Map<String, String> headers = headers(field(node, "headers"), path + "headers");
        String body = body(field(node, "body"), path + "body");
        Map<String, Object> metadata = metadata(field(node, "metadata"), path + "metadata");
        List<WebhookTarget> webhooks = webhooks(node, path);
        Integer quorum = integer(field(node, "webhook_quorum", "webhookQuorum"), path + "webhook_quorum", 1, 1000);
        List<String> regions = regions(node, path);
        RegionPolicy regionPolicy = enumValue(field(node, "region_policy", "regionPolicy"), path + "region_policy",
                RegionPolicy::fromWire, "fallback, strict");
        ExecutionMode mode = enumValue(field(node, "execution_mode", "executionMode"), path + "execution_mode",
                ExecutionMode::fromWire, "race, fanout");
        RetryPolicy retryPolicy = retryPolicy(field(node, "retry_policy", "retryPolicy"), path + "retry_policy");
        Trigger trigger = trigger(field(node, "trigger"), path + "trigger");
        JobSpec fallback = nested(node, path, depth, "fallback_job", "fallbackJob");
        if (fallback != null && fallback.fallbackDepth() + 1 > limits.maxFallbackDepth()) {
            throw new InvalidJobException(path + "fallback_job", "chain is deeper than " + limits.maxFallbackDepth());
        }
        JobSpec onSuccess = nested(node, path, depth, "on_success", "onSuccess");
        JobSpec onFailure = nested(node, path, depth, "on_failure", "onFailure");
        Long failureTimeout = longValue(field(node, "on_failure_timeout_ms", "onFailureTimeoutMs"),
                path + "on_failure_timeout_ms", 0, Long.MAX_VALUE);
        String key = string(field(node, "idempotent_key", "idempotentKey"), path + "idempotent_key");
        if (key != null && key.length() > limits.maxKeyLength()) {
            throw new InvalidJobException(path + "idempotent_key", "is longer than " + limits.maxKeyLength() + " characters");
        }
        Long retryAt = longValue(field(node, "retry_at", "retryAt"), path + "retry_at", 0, Long.MAX_VALUE);
        if (retryAt != null && retryAt < SECONDS_THRESHOLD) {
            retryAt = retryAt * 1000;
        }
        String userId = string(field(node, "user_id", "userId"), path + "user_id");
        return new JobSpec(url, method, headers, body, metadata, webhooks, quorum == null ? 1 : quorum, regions,
                regionPolicy, mode, retryPolicy, fallback, trigger, onSuccess, onFailure, failureTimeout, key, retryAt,
                userId);
    }

    private JobSpec nested(JsonNode node, String path, int depth, String snake, String camel) {
        JsonNode child = field(node, snake, camel);
        if (child == null) {
            return null;
        }
        if (!child.isObject()) {
            throw new InvalidJobException(path + snake, "must be an object");
        }
        return job(child, path + snake + ".", depth + 1);
    }

    /** The value under the snake_case name, else under the camelCase alias; null/"" count as absent. */
    private static JsonNode field(JsonNode node, String snake, String camel) {
        JsonNode value = field(node, snake);
        return value != null ? value : field(node, camel);
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull() || (value.isString() && value.stringValue().isEmpty())) {
            return null;
        }
        return value;
    }

    private String httpUrl(JsonNode node, String path, String name, boolean required) {
        JsonNode value = field(node, name);
        String fieldPath = path + name;
        if (value == null) {
            if (required) {
                throw new InvalidJobException(fieldPath, "is required");
            }
            return null;
        }
        if (!value.isString()) {
            throw new InvalidJobException(fieldPath, "must be a string");
        }
        return validUrl(value.stringValue().trim(), fieldPath);
    }

    private String validUrl(String raw, String fieldPath) {
        if (raw.length() > limits.maxUrlLength()) {
            throw new InvalidJobException(fieldPath, "is longer than " + limits.maxUrlLength() + " characters");
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new InvalidJobException(fieldPath, "is not a valid URL");
        }
        if (!uri.isAbsolute()) {
            throw new InvalidJobException(fieldPath, "must be an absolute http or https URL");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidJobException(fieldPath, "must use http or https");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidJobException(fieldPath, "must name a host");
        }
        return raw;
    }

    private static String method(JsonNode node, String path) {
        JsonNode value = field(node, "method");
        if (value == null) {
            return "GET";
        }
        if (!value.isString()) {
            throw new InvalidJobException(path + "method", "must be a string");
        }
        String method = value.stringValue().trim().toUpperCase(Locale.ROOT);
        if (method.length() > 16 || !METHOD_TOKEN.matcher(method).matches()) {
            throw new InvalidJobException(path + "method", "is not a valid HTTP method");
        }
        return method;
    }

    private Map<String, String> headers(JsonNode value, String path) {
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new InvalidJobException(path, "must be an object of strings");
        }
        if (value.size() > limits.maxHeaders()) {
            throw new InvalidJobException(path, "has more than " + limits.maxHeaders() + " entries");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            String name = e.getKey();
            if (!HEADER_NAME.matcher(name).matches()) {
                throw new InvalidJobException(path + "." + name, "is not a valid header name");
            }
            JsonNode v = e.getValue();
            if (!v.isString()) {
                throw new InvalidJobException(path + "." + name, "must be a string");
            }
            String text = v.stringValue();
            if (name.length() + text.length() > limits.maxHeaderBytes()) {
                throw new InvalidJobException(path + "." + name, "is longer than " + limits.maxHeaderBytes() + " characters");
            }
            if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\0') >= 0) {
                throw new InvalidJobException(path + "." + name, "must not contain control characters");
            }
            headers.put(name, text);
        }
        return headers;
    }

    private String body(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        if (value.isString()) {
            return value.stringValue();
        }
        if (value.isObject() || value.isArray()) {
            // Recommended by the protocol: an object body is the JSON the client meant to send.
            return json.writeValueAsString(value);
        }
        throw new InvalidJobException(path, "must be a string");
    }

    private Map<String, Object> metadata(JsonNode value, String path) {
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new InvalidJobException(path, "must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) plain(value);
        return map;
    }

    /**
     * A JSON tree as plain Java values, the types {@code ObjectMapper.convertValue(node, Map.class)} gives (ordered
     * maps, lists, strings, the node's own number type, booleans, null) without its per-call buffering, which
     * showed in submission profiles.
     */
    private Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(element -> list.add(plain(element)));
            return list;
        }
        if (node.isString()) {
            return node.stringValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNull() || node.isMissingNode()) {
            return null;
        }
        return json.convertValue(node, Object.class);
    }

    private List<WebhookTarget> webhooks(JsonNode node, String path) {
        List<WebhookTarget> webhooks = new ArrayList<>();
        JsonNode list = field(node, "webhooks");
        if (list != null) {
            if (!list.isArray()) {
                throw new InvalidJobException(path + "webhooks", "must be an array");
            }
            if (list.size() > limits.maxWebhooks()) {
                throw new InvalidJobException(path + "webhooks", "has more than " + limits.maxWebhooks() + " entries");
            }
            for (int i = 0; i < list.size(); i++) {
                webhooks.add(webhook(list.get(i), path + "webhooks[" + i + "]"));
            }
        }
        JsonNode legacy = field(node, "webhook_url", "webhookUrl");
        if (legacy != null) {
            if (!legacy.isString()) {
                throw new InvalidJobException(path + "webhook_url", "must be a string");
            }
            String url = validUrl(legacy.stringValue().trim(), path + "webhook_url");
            if (webhooks.stream().noneMatch(w -> w.url().equals(url))) {
                webhooks.add(new WebhookTarget(url, List.of(), true));
            }
        }
        return webhooks;
    }

    private WebhookTarget webhook(JsonNode value, String path) {
        if (value != null && value.isString()) {
            return new WebhookTarget(validUrl(value.stringValue().trim(), path), List.of(), true);
        }
        if (value == null || !value.isObject()) {
            throw new InvalidJobException(path, "must be an object with a url");
        }
        String url = httpUrl(value, path + ".", "url", true);
        List<String> regions = stringList(field(value, "regions"), path + ".regions");
        JsonNode vote = field(value, "has_quorum_vote", "hasQuorumVote");
        boolean hasVote = true;
        if (vote != null) {
            if (!vote.isBoolean()) {
                throw new InvalidJobException(path + ".has_quorum_vote", "must be a boolean");
            }
            hasVote = vote.booleanValue();
        }
        return new WebhookTarget(url, regions, hasVote);
    }

    private List<String> regions(JsonNode node, String path) {
        List<String> regions = stringList(field(node, "regions"), path + "regions");
        if (regions.isEmpty()) {
            regions = stringList(field(node, "failover_regions", "failoverRegions"), path + "failover_regions");
        }
        return regions.stream().map(r -> r.trim().toLowerCase(Locale.ROOT)).filter(r -> !r.isEmpty()).distinct().toList();
    }

    private static List<String> stringList(JsonNode value, String path) {
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new InvalidJobException(path, "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isString()) {
                throw new InvalidJobException(path + "[" + i + "]", "must be a string");
            }
            out.add(item.stringValue());
        }
        if (out.size() > 32) {
            throw new InvalidJobException(path, "has more than 32 entries");
        }
        return out;
    }

    private static <E> E enumValue(JsonNode value, String path, java.util.function.Function<String, E> parse, String allowed) {
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw new InvalidJobException(path, "must be one of: " + allowed);
        }
        E parsed = parse.apply(value.stringValue().trim());
        if (parsed == null) {
            throw new InvalidJobException(path, "must be one of: " + allowed);
        }
        return parsed;
    }

    private static RetryPolicy retryPolicy(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw new InvalidJobException(path, "must be an object");
        }
        RetryPolicy d = RetryPolicy.DEFAULT;
        Integer maxRetries = integer(field(value, "max_retries", "maxRetries"), path + ".max_retries", 0, 100);
        Integer maxReroutes = integer(field(value, "max_reroutes", "maxReroutes"), path + ".max_reroutes", 0, 100);
        List<Integer> retryCodes = codes(field(value, "retry_codes", "retryCodes"), path + ".retry_codes");
        List<Integer> rerouteCodes = codes(field(value, "reroute_codes", "rerouteCodes"), path + ".reroute_codes");
        return new RetryPolicy(maxRetries == null ? d.maxRetries() : maxRetries,
                maxReroutes == null ? d.maxReroutes() : maxReroutes,
                retryCodes == null ? d.retryCodes() : retryCodes,
                rerouteCodes == null ? d.rerouteCodes() : rerouteCodes);
    }

    private static Trigger trigger(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw new InvalidJobException(path, "must be an object");
        }
        Trigger.Type type = enumValue(field(value, "type"), path + ".type", Trigger.Type::fromWire, "on_error, on_timeout");
        List<Integer> codes = codes(field(value, "codes"), path + ".codes");
        Long timeout = longValue(field(value, "timeout_ms", "timeoutMs"), path + ".timeout_ms", 0, Long.MAX_VALUE);
        if (type == Trigger.Type.ON_TIMEOUT && timeout == null) {
            throw new InvalidJobException(path + ".timeout_ms", "is required for an on_timeout trigger");
        }
        return new Trigger(type, codes, timeout);
    }

    private static List<Integer> codes(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            throw new InvalidJobException(path, "must be an array of HTTP status codes");
        }
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            codes.add(integer(value.get(i), path + "[" + i + "]", 100, 599));
        }
        if (codes.size() > 100) {
            throw new InvalidJobException(path, "has more than 100 entries");
        }
        return codes;
    }

    private static Integer integer(JsonNode value, String path, int min, int max) {
        Long v = longValue(value, path, min, max);
        return v == null ? null : v.intValue();
    }

    private static Long longValue(JsonNode value, String path, long min, long max) {
        if (value == null) {
            return null;
        }
        long v;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            v = value.longValue();
        } else if (value.isNumber() && value.doubleValue() == Math.rint(value.doubleValue())
                && Math.abs(value.doubleValue()) < 9e15) {
            v = (long) value.doubleValue();
        } else if (value.isString() && value.stringValue().trim().matches("-?\\d{1,18}")) {
            v = Long.parseLong(value.stringValue().trim());
        } else {
            throw new InvalidJobException(path, "must be an integer");
        }
        if (v < min || v > max) {
            throw new InvalidJobException(path, "must be between " + min + " and " + max);
        }
        return v;
    }

    private static String string(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw new InvalidJobException(path, "must be a string");
        }
        return value.stringValue();
    }

    private static String strip(String path) {
        return path.isEmpty() ? "body" : path.substring(0, path.length() - 1);
    }
}
