package io.ezthrottle.api.stream;

import java.nio.charset.StandardCharsets;

/**
 * One Server-Sent Event of a job stream, written exactly as compat-protocol §1.7 shows it:
 * {@code event: <name>\ndata: <one-line JSON>\n\n}, or the comment line {@code : keepalive}.
 *
 * @param name     event name ({@code queued}, {@code dispatching}, {@code position}, {@code completed},
 *                 {@code failed}); null for a comment
 * @param data     one-line JSON, or the comment text
 * @param terminal whether the stream ends after this event
 */
public record SseEvent(String name, String data, boolean terminal) {

    static SseEvent comment(String text) {
        return new SseEvent(null, text, false);
    }

    public boolean isComment() {
        return name == null;
    }

    public byte[] encode() {
        String text = isComment() ? ": " + data + "\n\n" : "event: " + name + "\ndata: " + data + "\n\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
