package io.ezthrottle.admin.tenants;

import java.util.List;
import java.util.Locale;

import io.ezthrottle.core.tenant.ApiKeyInfo;
import io.ezthrottle.core.tenant.ApiKeyStore;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Finds tenants by id, name (case-insensitive, any part) or the prefix of one of their API keys, which is what an
 * operator has in hand when a customer pastes the start of a key.
 */
@Component
public class TenantSearch {

    private final TenantStore tenants;
    private final ApiKeyStore keys;

    public TenantSearch(TenantStore tenants, ApiKeyStore keys) {
        this.tenants = tenants;
        this.keys = keys;
    }

    public Mono<List<Match>> search(String query) {
        String q = query == null ? "" : query.trim();
        String lower = q.toLowerCase(Locale.ROOT);
        return tenants.list()
                .flatMapSequential(t -> keys.list(t.id()).collectList().map(k -> new Match(t, k)), 16)
                .filter(m -> q.isEmpty() || m.matches(q, lower))
                .collectList();
    }

    /**
     * The query as the page may echo it: a whole API key pasted into the search box is cut back to its prefix, so the
     * key never appears on a page (it is already in the request line; nothing can be done about that one).
     */
    public static String shown(String query, List<Match> matches) {
        String q = query == null ? "" : query.trim();
        for (Match m : matches) {
            for (ApiKeyInfo k : m.keys()) {
                if (q.length() > k.prefix().length() && q.startsWith(k.prefix())) {
                    return k.prefix();
                }
            }
        }
        return q;
    }

    /** A tenant with its keys (shown by prefix only). */
    public record Match(Tenant tenant, List<ApiKeyInfo> keys) {

        boolean matches(String q, String lower) {
            return tenant.id().toLowerCase(Locale.ROOT).contains(lower)
                    || tenant.name().toLowerCase(Locale.ROOT).contains(lower)
                    || keys.stream().anyMatch(k -> k.prefix().startsWith(q) || q.startsWith(k.prefix()));
        }
    }

}
