package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

/**
 * {@code POST/GET/DELETE /api/v1/webhook-secrets} as the SDKs call them (compat-protocol §1.4). Each test uses a
 * tenant of its own, so secrets never leak between tests or test classes sharing the Redis server.
 */
class WebhookSecretIntegrationTests extends ApiIntegrationSupport {

    private static final String SECRETS = "/api/v1/webhook-secrets";
    private static final String PRIMARY = "0123456789abcdefXYZ";
    private static final String SECONDARY = "secondary-secret-0987654321-TAIL";

    @Test
    void savedPrimaryIsReadBackMasked() {
        TestTenant tenant = newTenant();

        Reply saved = post(SECRETS, tenant.apiKey(), """
                {"primary_secret": "%s"}""".formatted(PRIMARY));
        Reply read = get(SECRETS, tenant.apiKey());

        assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
        assertThat(saved.isJson()).isTrue();
        assertThat(saved.text("status")).isEqualTo("ok");

        assertThat(read.status()).as(read.toString()).isEqualTo(200);
        assertThat(read.isJson()).isTrue();
        assertThat(read.text("primary_secret")).isEqualTo("0123****fXYZ").contains("****");
        assertThat(read.json().get("has_secondary").isBoolean()).isTrue();
        assertThat(read.json().get("has_secondary").asBoolean()).isFalse();
        assertThat(read.json().has("secondary_secret")).as("secondary_secret present as null: %s", read).isTrue();
        assertThat(read.json().get("secondary_secret").isNull()).isTrue();
        assertThat(read.text("customer_id")).isEqualTo(tenant.id());
        assertThat(read.raw()).doesNotContain(PRIMARY);
    }

    @Test
    void secondarySecretIsReportedAndMaskedToo() {
        TestTenant tenant = newTenant();

        Reply saved = post(SECRETS, tenant.apiKey(), """
                {"primary_secret": "%s", "secondary_secret": "%s"}""".formatted(PRIMARY, SECONDARY));
        Reply read = get(SECRETS, tenant.apiKey());

        assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
        assertThat(saved.text("status")).isEqualTo("ok");
        assertThat(read.status()).as(read.toString()).isEqualTo(200);
        assertThat(read.json().get("has_secondary").asBoolean()).isTrue();
        assertThat(read.text("primary_secret")).isEqualTo("0123****fXYZ");
        assertThat(read.text("secondary_secret")).isEqualTo("seco****TAIL").contains("****");
        assertThat(read.raw()).doesNotContain(PRIMARY).doesNotContain(SECONDARY);
    }

    @Test
    void savingOnlyAPrimaryReplacesAnEarlierPair() {
        // what every SDK rotate helper ends up sending (compat-protocol §1.4)
        TestTenant tenant = newTenant();
        post(SECRETS, tenant.apiKey(), """
                {"primary_secret": "%s", "secondary_secret": "%s"}""".formatted(PRIMARY, SECONDARY));

        Reply rotated = post(SECRETS, tenant.apiKey(), """
                {"primary_secret": "rotated-primary-secret-NEW1"}""");
        Reply read = get(SECRETS, tenant.apiKey());

        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        assertThat(read.text("primary_secret")).isEqualTo("rota****NEW1");
        assertThat(read.json().get("has_secondary").asBoolean()).isFalse();
        assertThat(read.json().get("secondary_secret").isNull()).isTrue();
    }

    @Test
    void secretShorterThan16CharactersIs400AndStoresNothing() {
        TestTenant tenant = newTenant();

        Reply shortPrimary = post(SECRETS, tenant.apiKey(), """
                {"primary_secret": "0123456789abcde"}""");
        Reply shortSecondary = post(SECRETS, tenant.apiKey(), """
                {"primary_secret": "%s", "secondary_secret": "too-short"}""".formatted(PRIMARY));
        Reply missing = post(SECRETS, tenant.apiKey(), "{}");

        assertThat(shortPrimary.status()).as(shortPrimary.toString()).isEqualTo(400);
        assertThat(shortPrimary.isJson()).isTrue();
        assertThat(shortPrimary.text("error")).contains("primary_secret");
        assertThat(shortSecondary.status()).as(shortSecondary.toString()).isEqualTo(400);
        assertThat(shortSecondary.text("error")).contains("secondary_secret");
        assertThat(missing.status()).as(missing.toString()).isEqualTo(400);
        assertThat(missing.text("error")).contains("primary_secret");
        assertThat(get(SECRETS, tenant.apiKey()).status()).isEqualTo(404);
    }

    @Test
    void secretOfExactly16CharactersIsAccepted() {
        TestTenant tenant = newTenant();

        Reply saved = post(SECRETS, tenant.apiKey(), """
                {"primary_secret": "0123456789abcdef"}""");

        assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
        assertThat(get(SECRETS, tenant.apiKey()).text("primary_secret")).isEqualTo("0123****cdef");
    }

    @Test
    void readAfterDeleteIs404WithTheDocumentedMessage() {
        TestTenant tenant = newTenant();
        post(SECRETS, tenant.apiKey(), """
                {"primary_secret": "%s"}""".formatted(PRIMARY));

        Reply deleted = delete(SECRETS, tenant.apiKey());
        Reply read = get(SECRETS, tenant.apiKey());

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.text("status")).isEqualTo("ok");
        assertThat(read.status()).as(read.toString()).isEqualTo(404);
        assertThat(read.isJson()).isTrue();
        assertThat(read.json()).isEqualTo(JSON.readTree("{\"error\":\"No webhook secrets configured\"}"));
        assertThat(redisson.getMap(keys.webhookSecrets(tenant.id()), StringCodec.INSTANCE).isExists()).isFalse();
    }

    @Test
    void readBeforeAnySecretIs404AndDeleteWhenNoneIs200() {
        TestTenant tenant = newTenant();

        Reply read = get(SECRETS, tenant.apiKey());
        Reply deleted = delete(SECRETS, tenant.apiKey());
        Reply deletedAgain = delete(SECRETS, tenant.apiKey());

        assertThat(read.status()).as(read.toString()).isEqualTo(404);
        assertThat(read.text("error")).isEqualTo("No webhook secrets configured");
        for (Reply reply : new Reply[] {deleted, deletedAgain}) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.isJson()).isTrue();
            assertThat(reply.text("status")).isEqualTo("ok");
        }
    }

    @Test
    void secretsAreNotStoredInPlaintext() {
        TestTenant tenant = newTenant();
        Reply saved = post(SECRETS, tenant.apiKey(), """
                {"primary_secret": "%s", "secondary_secret": "%s"}""".formatted(PRIMARY, SECONDARY));
        assertThat(saved.status()).as(saved.toString()).isEqualTo(200);

        Map<String, String> stored = redisson.<String, String>getMap(keys.webhookSecrets(tenant.id()),
                StringCodec.INSTANCE).readAllMap();

        assertThat(stored).containsKey("primary").isNotEmpty();
        assertThat(stored.values()).allSatisfy(value -> assertThat(value)
                .isNotBlank()
                .doesNotContain(PRIMARY)
                .doesNotContain(SECONDARY)
                .doesNotContain("0123456789abcdef"));
        assertThat(stored.keySet()).allSatisfy(field -> assertThat(field).doesNotContain(PRIMARY));
    }

    @Test
    void secretsAreScopedToTheTenant() {
        TestTenant mine = newTenant();
        TestTenant other = newTenant();
        post(SECRETS, mine.apiKey(), """
                {"primary_secret": "%s"}""".formatted(PRIMARY));

        Reply theirs = get(SECRETS, other.apiKey());
        delete(SECRETS, other.apiKey());
        Reply stillMine = get(SECRETS, mine.apiKey());

        assertThat(theirs.status()).as(theirs.toString()).isEqualTo(404);
        assertThat(stillMine.status()).as(stillMine.toString()).isEqualTo(200);
        assertThat(stillMine.text("customer_id")).isEqualTo(mine.id());
    }

    @Test
    void withoutAValidKeyEveryMethodIs401() {
        for (String key : new String[] {null, "ezt_live_unknown_" + unique()}) {
            Reply read = get(SECRETS, key);
            Reply save = post(SECRETS, key, """
                    {"primary_secret": "%s"}""".formatted(PRIMARY));
            Reply remove = delete(SECRETS, key);
            for (Reply reply : new Reply[] {read, save, remove}) {
                assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
                assertThat(reply.isJson()).as(reply.toString()).isTrue();
                assertThat(reply.text("error")).isNotBlank();
            }
        }
    }
}
