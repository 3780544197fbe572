package io.ezthrottle.webhook.delivery;

import java.util.ArrayList;
import java.util.List;

import io.ezthrottle.core.delivery.DeliveryPlan;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * What delivering a job needs of its stored spec: its webhooks, its quorum and its metadata, the metadata kept as
 * the JSON text it is stored as (the payload embeds it unchanged). Read with a streaming parser that skips the
 * rest of the spec (the request, its headers and body): building the whole spec as a tree, only to read three of
 * its fields and write one back out, was the largest cost of planning a delivery.
 *
 * @param webhooks the webhooks in order; empty when there are none
 * @param quorum   {@code webhook_quorum}, 1 when absent
 * @param metadata the metadata object as stored, or null when there is none
 */
record StoredSpec(List<DeliveryPlan.Target> webhooks, int quorum, String metadata) {

    static StoredSpec read(JsonMapper json, String text) {
        List<DeliveryPlan.Target> webhooks = List.of();
        int quorum = 1;
        String metadata = null;
        try (JsonParser p = json.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new StoredSpec(webhooks, quorum, null);
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "webhooks" -> webhooks = value == JsonToken.START_ARRAY ? webhooks(p) : skip(p, List.of());
                    case "webhook_quorum" -> quorum = value.isNumeric() ? p.getValueAsInt(1) : skip(p, 1);
                    case "metadata" -> metadata = value == JsonToken.START_OBJECT ? raw(p, text) : skip(p, null);
                    default -> p.skipChildren();
                }
            }
        }
        return new StoredSpec(webhooks, quorum, metadata);
    }

    /** The array the parser is at: a target per element; an absent {@code has_quorum_vote} votes. */
    private static List<DeliveryPlan.Target> webhooks(JsonParser p) {
        List<DeliveryPlan.Target> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String url = "";
            boolean vote = true;
            if (p.currentToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (name.equals("url") && value.isScalarValue()) {
                        url = p.getValueAsString("");
                    } else if (name.equals("has_quorum_vote")) {
                        vote = value.isScalarValue() ? p.getValueAsBoolean(false) : skip(p, false);
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
            out.add(new DeliveryPlan.Target(url, vote));
        }
        return out;
    }

    /** The object the parser is at, as the text it was read from. */
    private static String raw(JsonParser p, String text) {
        int start = (int) p.currentTokenLocation().getCharOffset();
        p.skipChildren();
        int end = (int) p.currentLocation().getCharOffset();
        return text.substring(start, end);
    }

    private static <T> T skip(JsonParser p, T value) {
        p.skipChildren();
        return value;
    }
}
