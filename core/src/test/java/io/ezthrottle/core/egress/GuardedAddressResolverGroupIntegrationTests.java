package io.ezthrottle.core.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.ezthrottle.testsupport.HttpStub;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/**
 * The SSRF guard where it matters: a real Reactor Netty client, guarded the way the worker and the webhook
 * dispatcher guard theirs, calling a real loopback server. Names are resolved by a fake DNS (no hosts file, no
 * network) that answers like an attacker's rebinding domain: a public-looking name whose address is loopback.
 */
class GuardedAddressResolverGroupIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpStub target = new HttpStub();
    private final HttpStub secret = new HttpStub();

    @AfterEach
    void close() {
        target.close();
        secret.close();
    }

    @Test
    void nameResolvingToLoopbackIsRefusedAfterDnsAndNothingIsSent() {
        HttpClient client = guarded(new EgressPolicy(List.of()), Map.of("rebind.attacker.example", loopback()));

        assertThatThrownBy(() -> get(client, "http://rebind.attacker.example:" + target.port() + "/x"))
                .satisfies(e -> assertThat(denial(e)).isNotNull()
                        .satisfies(d -> assertThat(d.getMessage()).contains("rebind.attacker.example")
                                .contains("127.0.0.1").contains("loopback")));
        assertThat(target.count()).isZero();
    }

    @Test
    void localhostIsRefusedAtConnectEvenIfItSlipsPastSubmission() {
        HttpClient client = GuardedAddressResolverGroup.guard(HttpClient.create(), new EgressPolicy(List.of()));

        assertThatThrownBy(() -> get(client, "http://localhost:" + target.port() + "/x"))
                .satisfies(e -> assertThat(denial(e)).isNotNull());
        assertThat(target.count()).isZero();
    }

    @Test
    void ipLiteralIsCheckedToo() {
        HttpClient client = GuardedAddressResolverGroup.guard(HttpClient.create(), new EgressPolicy(List.of()));

        assertThatThrownBy(() -> get(client, target.url("/x")))
                .satisfies(e -> assertThat(denial(e)).isNotNull());
        assertThat(target.count()).isZero();
    }

    @Test
    void nameWithOnePrivateAddressAmongPublicOnesIsRefused() throws Exception {
        // rebinding domains often answer with both; connecting may pick either, so the name is refused outright
        var group = new GuardedAddressResolverGroup(
                new FakeDns(Map.of("mixed.attacker.example", List.of(address(93, 184, 216, 34), loopback()))),
                new EgressPolicy(List.of()));
        AddressResolver<InetSocketAddress> resolver = group.getResolver(ImmediateEventExecutor.INSTANCE);

        var all = resolver.resolveAll(InetSocketAddress.createUnresolved("mixed.attacker.example", 80)).await();

        assertThat(all.isSuccess()).isFalse();
        assertThat(all.cause()).isInstanceOf(EgressDeniedException.class);
    }

    @Test
    void allowListedNameOrNetworkIsReachable() {
        HttpClient byName = guarded(new EgressPolicy(List.of("rebind.attacker.example")),
                Map.of("rebind.attacker.example", loopback()));
        HttpClient byNetwork = GuardedAddressResolverGroup.guard(HttpClient.create(),
                new EgressPolicy(List.of("127.0.0.1/32")));

        assertThat(get(byName, "http://rebind.attacker.example:" + target.port() + "/a")).isEqualTo(200);
        assertThat(get(byNetwork, target.url("/b"))).isEqualTo(200);
        assertThat(target.requests()).extracting(HttpStub.Request::path).containsExactly("/a", "/b");
    }

    @Test
    void redirectsAreNotFollowedAndAForbiddenHopIsRefusedEvenWhenFollowing() {
        // an allowed upstream answers with a redirect into the private network
        target.respond(r -> new HttpStub.Response(302, Map.of("Location", secret.url("/admin")), ""));
        EgressPolicy policy = new EgressPolicy(List.of("public.example"));
        Map<String, InetAddress> dns = Map.of("public.example", loopback());
        String url = "http://public.example:" + target.port() + "/start";

        // as the worker and dispatcher are configured: the 302 is the answer, nothing follows it
        assertThat(get(guarded(policy, dns).followRedirect(false), url)).isEqualTo(302);
        // even a client that does follow cannot be led there: each hop is checked at connect time
        assertThatThrownBy(() -> get(guarded(policy, dns).followRedirect(true), url))
                .satisfies(e -> assertThat(denial(e)).isNotNull());

        assertThat(target.count()).isEqualTo(2);
        assertThat(secret.count()).isZero();
    }

    private static HttpClient guarded(EgressPolicy policy, Map<String, InetAddress> names) {
        Map<String, List<InetAddress>> all = new java.util.HashMap<>();
        names.forEach((k, v) -> all.put(k, List.of(v)));
        return GuardedAddressResolverGroup.guard(HttpClient.create().resolver(new FakeDns(all)), policy);
    }

    private static int get(HttpClient client, String url) {
        return client.get().uri(url).response().map(r -> r.status().code()).block(TIMEOUT);
    }

    private static EgressDeniedException denial(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EgressDeniedException d) {
                return d;
            }
        }
        return null;
    }

    private static InetAddress loopback() {
        return address(127, 0, 0, 1);
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** DNS that knows a few names and nothing else; never touches the network or the hosts file. */
    private static final class FakeDns extends AddressResolverGroup<InetSocketAddress> {

        private final Map<String, List<InetAddress>> names;

        FakeDns(Map<String, List<InetAddress>> names) {
            this.names = names;
        }

        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return new InetSocketAddressResolver(executor, new InetNameResolver(executor) {
                @Override
                protected void doResolve(String host, Promise<InetAddress> promise) {
                    List<InetAddress> found = names.get(host);
                    if (found == null) {
                        promise.setFailure(new UnknownHostException(host));
                    } else {
                        promise.setSuccess(found.get(0));
                    }
                }

                @Override
                protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
                    List<InetAddress> found = names.get(host);
                    if (found == null) {
                        promise.setFailure(new UnknownHostException(host));
                    } else {
                        promise.setSuccess(found);
                    }
                }
            });
        }
    }
}
