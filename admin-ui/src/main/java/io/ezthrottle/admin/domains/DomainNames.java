package io.ezthrottle.admin.domains;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Destinations as the pacing keys name them: lower-case host (or bracketed IPv6 literal) plus a non-default port.
 * Anything else is refused before it reaches a Redis key, where a brace would break the hash tag.
 */
final class DomainNames {

    private static final Pattern DESTINATION =
            Pattern.compile("([a-z0-9]([a-z0-9.-]{0,252})|\\[[0-9a-f:.]{2,45}\\])(:[0-9]{1,5})?");

    private DomainNames() {
    }

    static String normalise(String destination) {
        String d = destination == null ? "" : destination.trim().toLowerCase(Locale.ROOT);
        if (!DESTINATION.matcher(d).matches()) {
            throw new IllegalArgumentException("a destination is a host name, optionally with :port (e.g. api.example.com:8443)");
        }
        return d;
    }

    /** The destination inside a key's hash tag ({@code ...{<destination>}...}), or null. */
    static String fromKey(String key) {
        int open = key.indexOf('{');
        int close = key.indexOf('}', open + 1);
        return open < 0 || close < 0 ? null : key.substring(open + 1, close);
    }
}
