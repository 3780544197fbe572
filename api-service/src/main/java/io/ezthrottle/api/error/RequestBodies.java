package io.ezthrottle.api.error;

import io.ezthrottle.api.ApiProperties;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
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

    /** The body as a JSON object; 400 naming {@code body} when it is empty, not JSON, or not an object. */
    public Mono<JsonNode> jsonObject(ServerHttpRequest request) {
        return bytes(request).map(this::parseObject);
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
