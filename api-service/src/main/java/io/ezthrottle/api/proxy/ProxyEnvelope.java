package io.ezthrottle.api.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.ezthrottle.api.error.ApiException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The metering envelope every SDK posts to {@code /api/v1/proxy} (compat-protocol §1.2), validated. {@code scope}
 * and {@code metric_name} are accepted and ignored: every plan limit is always evaluated.
 *
 * @param path    normalised path of {@code target_url}: the only part used for routing (Go hard-codes the host)
 * @param method  inner method, upper case
 * @param headers inner request headers
 * @param body    inner body bytes (empty for none)
 */
record ProxyEnvelope(String path, String method, Map<String, String> headers, byte[] body) {

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
    private static final int MAX_HEADERS = 64;
    private static final int MAX_HEADER_CHARS = 8192;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static ProxyEnvelope parse(JsonNode envelope) {
        byte[] body = body(envelope.get("body"));
        return new ProxyEnvelope(path(envelope.get("target_url")), method(envelope.get("method"), body.length > 0),
                headers(envelope.get("headers")), body);
    }

    private static String path(JsonNode value) {
        if (value == null || value.isNull() || (value.isString() && value.stringValue().isBlank())) {
            throw ApiException.badRequest("target_url", "target_url is required");
        }
        if (!value.isString()) {
            throw ApiException.badRequest("target_url", "target_url must be a string");
        }
        URI uri;
        try {
            uri = new URI(value.stringValue().trim()).normalize();
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("target_url", "target_url is not a valid URL");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    private static String method(JsonNode value, boolean hasBody) {
        if (value == null || value.isNull() || (value.isString() && value.stringValue().isBlank())) {
            return hasBody ? "POST" : "GET";
        }
        if (!value.isString() || !TOKEN.matcher(value.stringValue().trim()).matches()) {
            throw ApiException.badRequest("method", "method must be an HTTP method name");
        }
        return value.stringValue().trim().toUpperCase(Locale.ROOT);
    }

    private static Map<String, String> headers(JsonNode value) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return headers;
        }
        if (!value.isObject()) {
            throw ApiException.badRequest("headers", "headers must be an object of strings");
        }
        if (value.size() > MAX_HEADERS) {
            throw ApiException.badRequest("headers", "headers has more than " + MAX_HEADERS + " entries");
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            String field = "headers." + e.getKey();
            if (!TOKEN.matcher(e.getKey()).matches()) {
                throw ApiException.badRequest(field, field + " is not a valid header name");
            }
            if (!e.getValue().isString()) {
                throw ApiException.badRequest(field, field + " must be a string");
            }
            String text = e.getValue().stringValue();
            if (text.length() > MAX_HEADER_CHARS || text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
                throw ApiException.badRequest(field, field + " must be a single line of at most " + MAX_HEADER_CHARS
                        + " characters");
            }
            headers.put(e.getKey(), text);
        }
        return headers;
    }

    /** SDKs send the inner body as JSON text; an object is accepted too (compat-protocol §1.2, Recommended). */
    private static byte[] body(JsonNode value) {
        if (value == null || value.isNull()) {
            return new byte[0];
        }
        if (value.isString()) {
            return value.stringValue().getBytes(StandardCharsets.UTF_8);
        }
        if (value.isObject() || value.isArray()) {
            return JSON.writeValueAsBytes(value);
        }
        throw ApiException.badRequest("body", "body must be a string (JSON text) or an object");
    }
}
