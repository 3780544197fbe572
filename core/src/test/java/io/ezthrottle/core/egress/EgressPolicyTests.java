package io.ezthrottle.core.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class EgressPolicyTests {

    private final EgressPolicy strict = new EgressPolicy(List.of());

    @Test
    void refusesLoopbackPrivateAndLinkLocalLiterals() {
        for (String host : List.of("127.0.0.1", "localhost", "10.1.2.3", "172.16.5.4", "192.168.1.1", "::1", "[::1]",
                "fe80::1", "[fe80::1]", "LOCALHOST", "0.0.0.0", "100.64.0.1", "fc00::5")) {
            assertThat(strict.literalRefusal(host)).as(host).isPresent();
        }
    }

    @Test
    void refusesEveryOtherSpellingOfLoopbackAndPrivateAddresses() {
        // inet_aton forms curl, browsers and libc accept: short, decimal, octal, hex, mixed
        for (String host : List.of("127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1",
                "0177.1", "017700000001", "0x7F.1", "10.1", "167772161", "0xa9fea9fe", "0251.0376.0251.0376",
                "0", "0.0.0.0.", "127.0.0.1.", "localhost.", "LocalHost", "a.b.localhost", "[0:0:0:0:0:0:0:1]",
                "::ffff:7f00:1", "[::ffff:169.254.169.254]", "::127.0.0.1", "[fe80::1%25eth0]", "fe80::1%eth0",
                "64:ff9b::7f00:1", "ff02::1")) {
            assertThat(strict.literalRefusal(host)).as(host).isPresent();
        }
    }

    @Test
    void numericHostsThatAreNoAddressAreRefusedRatherThanResolved() {
        // a host whose last label is a number is an IPv4 address or invalid (WHATWG); never hand it to DNS
        for (String host : List.of("1.2.3.4.5", "256.1.1.1", "1.2.3.256", "0x1ffffffff", "4294967296",
                "example.com.1", "09.1.1.1", "::g", "1:2:3:4:5:6:7:8:9")) {
            assertThat(strict.literalRefusal(host)).as(host)
                    .hasValueSatisfying(reason -> assertThat(reason).contains("refused"));
        }
    }

    @Test
    void cloudMetadataNamesAreRefusedWithoutDns() {
        for (String host : List.of("metadata.google.internal", "METADATA.GOOGLE.INTERNAL.", "metadata",
                "instance-data", "metadata.azure.internal")) {
            assertThat(strict.literalRefusal(host)).as(host)
                    .hasValueSatisfying(reason -> assertThat(reason).contains("metadata"));
        }
        assertThat(new EgressPolicy(List.of("metadata.google.internal")).literalRefusal("metadata.google.internal"))
                .isEmpty();
    }

    @Test
    void publicAddressesInOddSpellingsAreAllowed() {
        // 93.184.216.34 as one decimal number and in hex: public, so allowed like the dotted quad
        for (String host : List.of("1572395042", "0x5db8d822", "93.184.216.34.", "8.8.8.8", "[2606:4700::1111]",
                "api.example.com.", "1e100.net", "123.example.com")) {
            assertThat(strict.literalRefusal(host)).as(host).isEmpty();
        }
    }

    @Test
    void metadataAddressRefusalSaysMetadata() {
        assertThat(strict.literalRefusal("169.254.169.254")).hasValueSatisfying(
                reason -> assertThat(reason).containsIgnoringCase("metadata"));
    }

    @Test
    void ipv4MappedIpv6AddressIsUnmappedBeforeChecking() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 127;
        mapped[15] = 1;
        InetAddress v6 = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(v6).isInstanceOf(Inet6Address.class);
        assertThat(strict.refusal("[::ffff:127.0.0.1]", v6)).isPresent();

        byte[] mappedMetadata = mapped.clone();
        mappedMetadata[12] = (byte) 169;
        mappedMetadata[13] = (byte) 254;
        mappedMetadata[14] = (byte) 169;
        mappedMetadata[15] = (byte) 254;
        assertThat(strict.refusal("x", Inet6Address.getByAddress(null, mappedMetadata, -1)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("metadata"));

        assertThat(strict.literalRefusal("[::ffff:127.0.0.1]")).isPresent();
        assertThat(strict.literalRefusal("::ffff:10.0.0.1")).isPresent();
    }

    @Test
    void publicAddressesAndNamesAreAllowed() throws Exception {
        assertThat(strict.literalRefusal("93.184.216.34")).isEmpty();
        assertThat(strict.literalRefusal("2606:2800:220:1:248:1893:25c8:1946")).isEmpty();
        assertThat(strict.literalRefusal("example.com")).isEmpty();
        assertThat(strict.literalRefusal("api.stripe.com")).isEmpty();
        assertThat(strict.refusal("example.com", InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 34})))
                .isEmpty();
    }

    @Test
    void resolvedPrivateAddressOfANameIsRefused() throws Exception {
        assertThat(strict.refusal("internal.example", InetAddress.getByAddress(new byte[] {10, 0, 0, 7}))).isPresent();
    }

    @Test
    void allowListCidrAllowsOnlyThatNetwork() {
        EgressPolicy policy = new EgressPolicy(List.of("127.0.0.1/32"));
        assertThat(policy.literalRefusal("127.0.0.1")).isEmpty();
        assertThat(policy.literalRefusal("127.0.0.2")).isPresent();
        assertThat(policy.literalRefusal("10.0.0.1")).isPresent();
    }

    @Test
    void allowListCidrAppliesToEverySpellingOfTheAddress() {
        EgressPolicy policy = new EgressPolicy(List.of("127.0.0.1/32"));
        assertThat(policy.literalRefusal("2130706433")).isEmpty();
        assertThat(policy.literalRefusal("127.1")).isEmpty();
        assertThat(policy.literalRefusal("127.2")).isPresent();
    }

    @Test
    void allowListHostNameAllowsThatHost() {
        EgressPolicy policy = new EgressPolicy(List.of("localhost"));
        assertThat(policy.literalRefusal("localhost")).isEmpty();
        assertThat(policy.hostAllowed("localhost")).isTrue();
        assertThat(policy.refusal("localhost", InetAddress.getLoopbackAddress())).isEmpty();
        assertThat(policy.literalRefusal("127.0.0.1")).isPresent();
    }

    @Test
    void wildcardAllowListEntryMatchesSubdomains() throws Exception {
        EgressPolicy policy = new EgressPolicy(List.of("*.internal.example"));
        assertThat(policy.hostAllowed("api.internal.example")).isTrue();
        assertThat(policy.hostAllowed("internal.example.evil")).isFalse();
        assertThat(policy.refusal("api.internal.example", InetAddress.getByAddress(new byte[] {10, 0, 0, 1}))).isEmpty();
    }

    @Test
    void cidrContainsRespectsSlash12Boundaries() throws Exception {
        Cidr net = Cidr.parse("172.16.0.0/12");
        assertThat(net.contains(v4(172, 16, 0, 0))).isTrue();
        assertThat(net.contains(v4(172, 20, 1, 1))).isTrue();
        assertThat(net.contains(v4(172, 31, 255, 255))).isTrue();
        assertThat(net.contains(v4(172, 15, 255, 255))).isFalse();
        assertThat(net.contains(v4(172, 32, 0, 0))).isFalse();
        assertThat(net.contains(v4(173, 16, 0, 0))).isFalse();
        assertThat(net.contains(InetAddress.getByName("::1"))).isFalse();
    }

    @Test
    void cidrWithoutPrefixIsASingleAddress() throws Exception {
        Cidr one = Cidr.parse("10.0.0.1");
        assertThat(one.contains(v4(10, 0, 0, 1))).isTrue();
        assertThat(one.contains(v4(10, 0, 0, 2))).isFalse();
        assertThat(Cidr.parse("fe80::/10").contains(InetAddress.getByName("febf::1"))).isTrue();
        assertThat(Cidr.parse("fe80::/10").contains(InetAddress.getByName("fec0::1"))).isFalse();
    }

    private static InetAddress v4(int a, int b, int c, int d) throws Exception {
        return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }
}
