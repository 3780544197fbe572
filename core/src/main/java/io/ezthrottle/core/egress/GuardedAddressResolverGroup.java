package io.ezthrottle.core.egress;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Wraps the HTTP client's DNS resolver so that every address is checked against the {@link EgressPolicy} after
 * resolution and right before connecting. This is what defeats DNS rebinding: the address checked is the
 * address used.
 */
public final class GuardedAddressResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final AddressResolverGroup<? extends SocketAddress> delegate;
    private final EgressPolicy policy;

    public GuardedAddressResolverGroup(AddressResolverGroup<? extends SocketAddress> delegate, EgressPolicy policy) {
        this.delegate = delegate;
        this.policy = policy;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        @SuppressWarnings("unchecked")
        AddressResolver<InetSocketAddress> resolver = (AddressResolver<InetSocketAddress>) delegate.getResolver(executor);
        return new Guarded(resolver, policy, executor);
    }

    /** Wraps the client's own resolver, so names are still resolved without blocking an event loop. */
    public static reactor.netty.http.client.HttpClient guard(reactor.netty.http.client.HttpClient client,
                                                             EgressPolicy policy) {
        AddressResolverGroup<?> base = client.configuration().resolver();
        if (base == null) {
            base = client.configuration().defaultAddressResolverGroup();
        }
        return client.resolver(new GuardedAddressResolverGroup(base, policy));
    }

    private record Guarded(AddressResolver<InetSocketAddress> delegate, EgressPolicy policy, EventExecutor executor)
            implements AddressResolver<InetSocketAddress> {

        @Override
        public boolean isSupported(SocketAddress address) {
            return delegate.isSupported(address);
        }

        @Override
        public boolean isResolved(SocketAddress address) {
            // Never let an already-resolved address bypass the check.
            return false;
        }

        @Override
        public Future<InetSocketAddress> resolve(SocketAddress address) {
            return resolve(address, executor.newPromise());
        }

        @Override
        public Future<InetSocketAddress> resolve(SocketAddress address, Promise<InetSocketAddress> promise) {
            InetSocketAddress target = (InetSocketAddress) address;
            if (!target.isUnresolved()) {
                return check(target.getHostString(), target, promise);
            }
            delegate.resolve(address).addListener(f -> {
                if (!f.isSuccess()) {
                    promise.tryFailure(f.cause());
                    return;
                }
                check(target.getHostString(), (InetSocketAddress) f.getNow(), promise);
            });
            return promise;
        }

        private Future<InetSocketAddress> check(String host, InetSocketAddress resolved, Promise<InetSocketAddress> promise) {
            Optional<String> refusal = policy.refusal(host, resolved.getAddress());
            if (refusal.isPresent()) {
                promise.tryFailure(new EgressDeniedException(refusal.get()));
            } else {
                promise.trySuccess(resolved);
            }
            return promise;
        }

        @Override
        public Future<List<InetSocketAddress>> resolveAll(SocketAddress address) {
            return resolveAll(address, executor.newPromise());
        }

        @Override
        public Future<List<InetSocketAddress>> resolveAll(SocketAddress address, Promise<List<InetSocketAddress>> promise) {
            InetSocketAddress target = (InetSocketAddress) address;
            if (!target.isUnresolved()) {
                Optional<String> refusal = policy.refusal(target.getHostString(), target.getAddress());
                if (refusal.isPresent()) {
                    promise.tryFailure(new EgressDeniedException(refusal.get()));
                } else {
                    promise.trySuccess(List.of(target));
                }
                return promise;
            }
            delegate.resolveAll(address).addListener(f -> {
                if (!f.isSuccess()) {
                    promise.tryFailure(f.cause());
                    return;
                }
                @SuppressWarnings("unchecked")
                List<InetSocketAddress> all = (List<InetSocketAddress>) f.getNow();
                // Refuse the name if any of its addresses is forbidden: a rebinding name often mixes both.
                for (InetSocketAddress a : all) {
                    Optional<String> refusal = policy.refusal(target.getHostString(), a.getAddress());
                    if (refusal.isPresent()) {
                        promise.tryFailure(new EgressDeniedException(refusal.get()));
                        return;
                    }
                }
                promise.trySuccess(all);
            });
            return promise;
        }

        @Override
        public void close() {
            // The delegate belongs to the client's shared resolver group, which closes it.
        }
    }
}
