package io.ezthrottle.api.admin;

import java.util.Arrays;
import java.util.stream.Collectors;

import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.core.tenant.Tier;
import tools.jackson.databind.JsonNode;

/** Field checks for admin request bodies; every refusal is a 400 naming the field. */
final class AdminRequests {

    static final int MAX_TEXT = 200;

    private AdminRequests() {
    }

    /** An optional string field (absent or null → null), at most {@link #MAX_TEXT} characters. */
    static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw ApiException.badRequest(field, field + " must be a string");
        }
        String s = v.stringValue().trim();
        if (s.length() > MAX_TEXT) {
            throw ApiException.badRequest(field, field + " must be at most " + MAX_TEXT + " characters");
        }
        return s;
    }

    /** An optional tier name (absent or null → null). */
    static Tier tier(JsonNode body) {
        String name = text(body, "tier");
        if (name == null) {
            return null;
        }
        Tier tier = Tier.parse(name);
        if (tier == null) {
            throw ApiException.badRequest("tier", "tier must be one of: " + Arrays.stream(Tier.values())
                    .map(Tier::wire).collect(Collectors.joining(", ")));
        }
        return tier;
    }
}
