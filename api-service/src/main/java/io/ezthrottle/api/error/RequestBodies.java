package io.ezthrottle.api.error;

import io.ezthrottle.api.ApiProperties;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies with the size limit enforced twice: on {@code Content-Length} before reading, and while
 * streaming (chunked bodies cannot slip past it).
 */
@Component
public class RequestBodies {

    private final int maxBytes;
    private final ObjectMapper json = JsonMapper.builder().build();

    public RequestBodies(ApiProperties properties) {
        this.maxBytes = properties.maxBodyBytes();
    }

    public Mono<byte[]> bytes(ServerHttpRequest request) {
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBytes) {
            return Mono.error(ApiException.tooLarge(maxBytes));
        }
        return DataBufferUtils.join(request.getBody(), maxBytes)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> ApiException.tooLarge(maxBytes));
    }

    /**
     * The body as a JSON object; 415 for a content type that cannot carry JSON, 400 naming {@code body} when it is
     * empty, not JSON, or not an object.
     */
    public Mono<JsonNode> jsonObject(ServerHttpRequest request) {
        return Mono.fromRunnable(() -> checkContentType(request.getHeaders()))
                .then(bytes(request))
                .map(this::parseObject);
    }

    /**
     * JSON under any JSON type, no type, {@code text/plain} or {@code application/x-www-form-urlencoded} (what
     * {@code curl -d} sends when the user forgets {@code -H}); any other declared type (XML, multipart, binary) is a
     * client that means something else, refused with 415 before the body is read.
     */
    static void checkContentType(HttpHeaders headers) {
        String declared = headers.getFirst(HttpHeaders.CONTENT_TYPE);
        if (declared == null || declared.isBlank()) {
            return;
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(declared);
        } catch (InvalidMediaTypeException e) {
            throw ApiException.unsupportedMediaType("Content-Type is not a valid media type; send application/json");
        }
        boolean json = type.isCompatibleWith(MediaType.APPLICATION_JSON)
                || "json".equalsIgnoreCase(type.getSubtype())
                || type.getSubtype().toLowerCase(java.util.Locale.ROOT).endsWith("+json");
        boolean lenient = type.isCompatibleWith(MediaType.TEXT_PLAIN)
                || type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED);
        if (!json && !lenient) {
            throw ApiException.unsupportedMediaType("Content-Type must be application/json");
        }
    }

    public JsonNode parseObject(byte[] bytes) {
        if (bytes.length == 0) {
            throw ApiException.badRequest("body", "body is required (a JSON object)");
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JacksonException e) {
            throw ApiException.badRequest("body", "body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("body", "body must be a JSON object");
        }
        return node;
    }
}
