package io.ezthrottle.core.egress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which addresses outbound calls (upstream requests and webhooks) may reach. By default loopback,
 * private, link-local, carrier-grade NAT, multicast, unspecified and cloud-metadata addresses are refused (SSRF
 * guard); {@code EZTHROTTLE_EGRESS_ALLOW} lists CIDRs or host names that are reachable although private.
 */
public final class EgressPolicy {

    private static final List<Cidr> METADATA = List.of(
            Cidr.parse("169.254.169.254/32"), Cidr.parse("fd00:ec2::254/128"),
            Cidr.parse("100.100.100.200/32"), Cidr.parse("192.0.0.192/32"));
    private static final List<Cidr> FORBIDDEN = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"),
            Cidr.parse("127.0.0.0/8"), Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.0.0.0/24"), Cidr.parse("192.168.0.0/16"), Cidr.parse("198.18.0.0/15"),
            Cidr.parse("224.0.0.0/4"), Cidr.parse("240.0.0.0/4"),
            // ::/96 also covers the deprecated IPv4-compatible form ::a.b.c.d (e.g. ::127.0.0.1)
            Cidr.parse("::/96"), Cidr.parse("::1/128"), Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"),
            Cidr.parse("ff00::/8"), Cidr.parse("64:ff9b::/96"));

    /** Names that reach the metadata service from inside a cloud VM without any DNS trickery. */
    private static final Set<String> METADATA_NAMES = Set.of("metadata", "metadata.google.internal", "metadata.goog",
            "instance-data", "instance-data.ec2.internal", "metadata.azure.internal");

    private final List<Cidr> allowedNetworks = new ArrayList<>();
    private final List<String> allowedHosts = new ArrayList<>();

    /** @param allow CIDRs ({@code 127.0.0.1/32}) or host names ({@code localhost}, {@code *.internal.example}) */
    public EgressPolicy(List<String> allow) {
        for (String entry : allow) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            String addressPart = e.contains("/") ? e.substring(0, e.indexOf('/')) : e;
            if (IpLiterals.isLiteral(addressPart)) {
                allowedNetworks.add(Cidr.parse(e));
            } else {
                allowedHosts.add(e.toLowerCase(Locale.ROOT));
            }
        }
    }

    /** Whether the host name itself is allow-listed (then any address it resolves to is allowed). */
    public boolean hostAllowed(String host) {
        String h = IpLiterals.normalise(host);
        for (String allowed : allowedHosts) {
            if (allowed.equals(h) || (allowed.startsWith("*.") && h.endsWith(allowed.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    /** The reason this resolved address may not be reached, or empty when it may. */
    public Optional<String> refusal(String host, InetAddress address) {
        if (hostAllowed(host)) {
            return Optional.empty();
        }
        InetAddress a = unmapped(address);
        for (Cidr allowed : allowedNetworks) {
            if (allowed.contains(a)) {
                return Optional.empty();
            }
        }
        for (Cidr m : METADATA) {
            if (m.contains(a)) {
                return Optional.of("egress to " + host + " (" + a.getHostAddress() + ") refused: cloud metadata address");
            }
        }
        for (Cidr f : FORBIDDEN) {
            if (f.contains(a)) {
                return Optional.of("egress to " + host + " (" + a.getHostAddress() + ") refused: " + kind(a)
                        + " address (allow it with EZTHROTTLE_EGRESS_ALLOW)");
            }
        }
        return Optional.empty();
    }

    /**
     * The refusal known without DNS: for IP literals in any spelling, {@code localhost} and well-known cloud metadata
     * names. Other names are checked again after resolution, at connect time, by {@link GuardedAddressResolverGroup};
     * resolving here would only be a hint (the answer may change before dispatch) and would make submissions wait on
     * DNS.
     */
    public Optional<String> literalRefusal(String host) {
        if (host == null || host.isBlank()) {
            return Optional.of("egress refused: no host");
        }
        String h = IpLiterals.normalise(host);
        if (hostAllowed(h)) {
            return Optional.empty();
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return refusal(h, InetAddress.getLoopbackAddress());
        }
        if (METADATA_NAMES.contains(h)) {
            return Optional.of("egress to " + h + " refused: cloud metadata address");
        }
        if (!IpLiterals.isLiteral(h)) {
            return Optional.empty();
        }
        return IpLiterals.parse(h)
                .map(address -> refusal(h, address))
                .orElseGet(() -> Optional.of("egress to " + host + " refused: not a valid address"));
    }

    private static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
            if (mapped) {
                try {
                    return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    return address;
                }
            }
        }
        return address;
    }

    private static String kind(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        if (a.isAnyLocalAddress()) {
            return "unspecified";
        }
        return "non-public";
    }
}
