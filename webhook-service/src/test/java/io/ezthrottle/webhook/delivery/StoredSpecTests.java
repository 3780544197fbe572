package io.ezthrottle.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.ezthrottle.core.delivery.DeliveryPlan;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StoredSpecTests {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void readsWebhooksQuorumAndMetadataAsStored() {
        String text = """
                {"url":"https://api.example.com/x","method":"POST","headers":{"a":"}"},"body":"{\\"webhooks\\":1}",\
                "webhooks":[{"url":"https://a.example/h","has_quorum_vote":true,"extra":{"x":[1,2]}},\
                {"url":"https://b.example/h","has_quorum_vote":false},{"url":"https://c.example/h"}],\
                "webhook_quorum":2,"metadata":{"order":42,"note":"a } and a \\" inside","nested":{"list":[{"k":null}]}},\
                "regions":["iad"]}""";

        StoredSpec spec = StoredSpec.read(json, text);

        assertThat(spec.webhooks()).containsExactly(new DeliveryPlan.Target("https://a.example/h", true),
                new DeliveryPlan.Target("https://b.example/h", false), new DeliveryPlan.Target("https://c.example/h", true));
        assertThat(spec.quorum()).isEqualTo(2);
        assertThat(spec.metadata()).isEqualTo("{\"order\":42,\"note\":\"a } and a \\\" inside\",\"nested\":{\"list\":[{\"k\":null}]}}");
        assertThat(json.readTree(spec.metadata())).isEqualTo(json.readTree(text).get("metadata"));
    }

    @Test
    void absentFieldsHaveTheirDefaults() {
        StoredSpec spec = StoredSpec.read(json, "{\"url\":\"https://api.example.com/x\",\"metadata\":null}");

        assertThat(spec.webhooks()).isEqualTo(List.of());
        assertThat(spec.quorum()).isEqualTo(1);
        assertThat(spec.metadata()).isNull();
    }
}
