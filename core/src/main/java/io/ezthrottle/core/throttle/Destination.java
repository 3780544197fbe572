package io.ezthrottle.core.throttle;

import java.net.URI;
import java.util.Locale;

/**
 * The pacing key of an upstream URL: lower-case host plus the port when it is not the scheme's default
 * (compat-protocol A11: distinct loopback stubs get distinct limits).
 */
public final class Destination {

    private Destination() {
    }

    public static String of(String url) {
        URI uri = URI.create(url);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        if (port < 0 || (https && port == 443) || (!https && port == 80)) {
            return host;
        }
        return host + ":" + port;
    }
}
