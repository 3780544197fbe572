package io.ezthrottle.core.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretCipherTests {

    private final SecretCipher cipher = new SecretCipher("test-master-key");

    @Test
    void roundTrip() {
        String stored = cipher.encrypt("tenant-a", "whsec_super_secret_value");
        assertThat(stored).startsWith("v1:").doesNotContain("whsec_super_secret_value");
        assertThat(cipher.decrypt("tenant-a", stored)).isEqualTo("whsec_super_secret_value");
    }

    @Test
    void encryptionIsRandomised() {
        assertThat(cipher.encrypt("t", "same")).isNotEqualTo(cipher.encrypt("t", "same"));
    }

    @Test
    void ciphertextDecryptsOnlyForTheSameTenant() {
        String stored = cipher.encrypt("tenant-a", "whsec_super_secret_value");
        assertThatThrownBy(() -> cipher.decrypt("tenant-b", stored)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void otherMasterKeyCannotDecrypt() {
        String stored = cipher.encrypt("tenant-a", "whsec_super_secret_value");
        assertThatThrownBy(() -> new SecretCipher("other-master-key").decrypt("tenant-a", stored))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void maskShowsFirstAndLastFour() {
        assertThat(WebhookSecrets.mask("abcdefghijklmnopqrst")).isEqualTo("abcd****qrst");
        assertThat(WebhookSecrets.mask("short")).isEqualTo("****");
        assertThat(WebhookSecrets.mask(null)).isNull();
        assertThat(new WebhookSecrets("abcdefghijklmnopqrst", null).toString())
                .doesNotContain("efghijklmnop").contains("abcd****qrst");
    }
}
