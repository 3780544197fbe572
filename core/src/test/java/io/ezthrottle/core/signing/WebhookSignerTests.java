package io.ezthrottle.core.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class WebhookSignerTests {

    private final WebhookSigner signer = new WebhookSigner();

    @Test
    void headerHasTimestampAndLowercaseHexV1() throws Exception {
        String secret = "whsec_0123456789abcdef";
        long ts = 1_700_000_000L;
        String body = "{\"job_id\":\"job_1\",\"status\":\"success\",\"response\":{\"status_code\":200}}";

        String header = signer.signatureHeader(secret, ts, body.getBytes(StandardCharsets.UTF_8));

        assertThat(header).matches("t=1700000000,v1=[0-9a-f]{64}");
        assertThat(header).isEqualTo("t=" + ts + ",v1=" + independentHmac(secret, ts + "." + body));
    }

    @Test
    void signatureCoversTimestampAndBody() throws Exception {
        String secret = "another-secret-with-ütf8";
        byte[] body = "héllo".getBytes(StandardCharsets.UTF_8);
        String a = signer.signatureHeader(secret, 1L, body);
        String b = signer.signatureHeader(secret, 2L, body);
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isEqualTo("t=1,v1=" + independentHmac(secret, "1.héllo"));
        assertThat(signer.signatureHeader(secret, 1L, new byte[0])).isEqualTo("t=1,v1=" + independentHmac(secret, "1."));
    }

    private static String independentHmac(String secret, String signed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }
}
