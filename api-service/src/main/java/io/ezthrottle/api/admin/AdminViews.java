package io.ezthrottle.api.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.core.tenant.ApiKeyInfo;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.Tier;

/** JSON shapes of the admin API. */
final class AdminViews {

    private AdminViews() {
    }

    static Map<String, Object> tenant(Tenant t) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", t.id());
        body.put("name", t.name());
        body.put("tier", t.tier().wire());
        body.put("included", t.tier().included());
        body.put("cap", t.tier().cap());
        body.put("created_at", t.createdAt());
        return body;
    }

    static Map<String, Object> key(ApiKeyInfo k) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", k.id());
        body.put("prefix", k.prefix());
        body.put("label", k.label());
        body.put("created_at", k.createdAt());
        return body;
    }

    static Map<String, Object> tier(Tier t) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tier", t.wire());
        body.put("included", t.included());
        body.put("cap", t.cap());
        return body;
    }
}
