package io.ezthrottle.core.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import io.netty.util.NetUtil;

/**
 * Recognises IP literals without ever triggering a DNS lookup, in every spelling an HTTP client or resolver might
 * accept: dotted quads, the legacy {@code inet_aton} forms ({@code 127.1}, {@code 2130706433}, {@code 0x7f.0.0.1},
 * {@code 0177.0.0.1}) and IPv6 (bracketed or not, with a zone id). Attackers use the odd forms precisely because a
 * naive check misses them while the connecting library still understands them.
 */
final class IpLiterals {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern NUMERIC_PART = Pattern.compile("(?i)0x[0-9a-f]*|\\d+");

    private IpLiterals() {
    }

    /** Whether {@code host} is an address rather than a name (including malformed numeric hosts). */
    static boolean isLiteral(String host) {
        String h = normalise(host);
        return IPV4.matcher(h).matches() || h.indexOf(':') >= 0 || endsInNumber(h);
    }

    static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Lower case, without brackets and without the one trailing dot a fully qualified name may carry. */
    static String normalise(String host) {
        String h = unbracket(host.trim()).toLowerCase(Locale.ROOT);
        return h.endsWith(".") && h.length() > 1 ? h.substring(0, h.length() - 1) : h;
    }

    /**
     * The address a literal stands for, or empty when {@code host} is a literal that no address can match
     * (for example {@code 1.2.3.4.5} or {@code 0x1ffffffff}). Only call for hosts where {@link #isLiteral} is true.
     */
    static Optional<InetAddress> parse(String host) {
        String h = normalise(host);
        byte[] bytes = h.indexOf(':') >= 0 ? ipv6(h) : ipv4(h);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * WHATWG URL rule: a host whose last label is a number is an IPv4 address (or invalid), never a name. Browsers,
     * curl and many resolvers agree, so we must treat it as one too.
     */
    private static boolean endsInNumber(String h) {
        String last = h.substring(h.lastIndexOf('.') + 1);
        return !last.isEmpty() && NUMERIC_PART.matcher(last).matches();
    }

    private static byte[] ipv6(String h) {
        int zone = h.indexOf('%');
        String address = zone >= 0 ? h.substring(0, zone) : h;
        return NetUtil.isValidIpV6Address(address) ? NetUtil.createByteArrayFromIpAddressString(address) : null;
    }

    /** {@code inet_aton}: one to four parts, each decimal, octal (leading 0) or hex (0x); the last fills the rest. */
    private static byte[] ipv4(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long v = number(parts[i]);
            if (v == null) {
                return null;
            }
            values[i] = v;
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 255) {
                return null;
            }
            address |= values[i] << (8 * (3 - i));
        }
        long last = values[parts.length - 1];
        int lastBits = 8 * (5 - parts.length);
        if (last >= (1L << lastBits)) {
            return null;
        }
        address |= last;
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static Long number(String part) {
        if (part.isEmpty() || part.length() > 12) {
            return null;
        }
        try {
            if (part.startsWith("0x")) {
                return part.length() == 2 ? 0L : Long.parseLong(part.substring(2), 16);
            }
            if (part.length() > 1 && part.startsWith("0")) {
                return Long.parseLong(part.substring(1), 8);
            }
            return Long.parseLong(part);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
