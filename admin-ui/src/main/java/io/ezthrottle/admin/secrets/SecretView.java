package io.ezthrottle.admin.secrets;

import io.ezthrottle.core.secret.WebhookSecrets;
import io.ezthrottle.core.tenant.Tenant;

/**
 * A tenant's webhook secrets as the console shows them: masked (first and last four characters), never in clear.
 *
 * @param tenant     the tenant
 * @param primary    masked primary, or null when none is set
 * @param secondary  masked secondary, or null
 * @param graceEnds  epoch ms when the secondary is removed, or null when no grace period runs
 */
public record SecretView(Tenant tenant, String primary, String secondary, Long graceEnds) {

    static SecretView of(Tenant tenant, WebhookSecrets secrets, Long graceEnds) {
        return secrets == null ? new SecretView(tenant, null, null, null)
                : new SecretView(tenant, WebhookSecrets.mask(secrets.primary()), WebhookSecrets.mask(secrets.secondary()),
                        secrets.secondary() == null ? null : graceEnds);
    }
}
