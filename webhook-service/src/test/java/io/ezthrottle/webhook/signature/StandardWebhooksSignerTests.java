package io.ezthrottle.webhook.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class StandardWebhooksSignerTests {

    /** The signing vector published with the Standard Webhooks reference libraries. */
    @Test
    void matchesTheReferenceVector() {
        byte[] key = StandardWebhooksSigner.key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        String signature = StandardWebhooksSigner.signature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aWhsecSecretStandsForItsDecodedBytesAnyOtherForItsUtf8Bytes() {
        assertThat(StandardWebhooksSigner.key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .isEqualTo(Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assertThat(StandardWebhooksSigner.key("my-plain-secret-123")).isEqualTo("my-plain-secret-123".getBytes(StandardCharsets.UTF_8));
        assertThat(StandardWebhooksSigner.key("whsec_not base64!!")).isEqualTo("whsec_not base64!!".getBytes(StandardCharsets.UTF_8));
    }
}
