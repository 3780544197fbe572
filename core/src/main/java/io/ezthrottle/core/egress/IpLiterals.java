package io.ezthrottle.core.egress;

import java.util.regex.Pattern;

/** Recognises IP literals without ever triggering a DNS lookup. */
final class IpLiterals {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private IpLiterals() {
    }

    static boolean isLiteral(String host) {
        String h = unbracket(host);
        return IPV4.matcher(h).matches() || (h.indexOf(':') >= 0 && h.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+"));
    }

    static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
