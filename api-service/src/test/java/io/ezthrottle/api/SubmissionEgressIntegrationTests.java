package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The SSRF guard at submission: every URL of a job tree whose host is forbidden without DNS (IP literals in any
 * spelling, localhost, metadata names) is refused with 400 naming the field, and nothing is queued. Names that
 * resolve to forbidden addresses are refused at connect time instead (core's GuardedAddressResolverGroup tests).
 */
class SubmissionEgressIntegrationTests extends ApiIntegrationSupport {

    private static final String JOBS = "/api/v1/jobs";

    @Test
    void forbiddenHostsInAnySpellingAreRefusedAtSubmission() {
        for (String url : List.of("http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0x7f000001/",
                "http://0177.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[0:0:0:0:0:0:0:1]:8080/",
                "http://localhost./", "http://LOCALHOST/", "http://api.localhost/", "http://10.0.0.1/",
                "http://192.168.1.1/", "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/",
                "http://0xa9fea9fe/", "http://metadata.google.internal/computeMetadata/v1/", "http://0.0.0.0/",
                "http://1.2.3.4.5/", "http://user:pass@127.0.0.1/", "https://[fe80::1%25eth0]/")) {
            long intake = intakeSize();

            Reply reply = post(JOBS, BOOTSTRAP_KEY, "{\"url\": \"" + url + "\"}");

            assertThat(reply.status()).as("%s -> %s", url, reply).isEqualTo(400);
            assertThat(reply.text("field")).as(url).isEqualTo("url");
            // refused by the guard, or already by the URL parser for hosts java.net.URI cannot read (127.1)
            assertThat(reply.text("error")).as(url).containsAnyOf("refused", "must name a host");
            assertThat(intakeSize()).isEqualTo(intake);
        }
    }

    @Test
    void everyUrlOfTheTreeIsChecked() {
        String ok = "https://api.example.com/" + unique();
        assertRefused("{\"url\": \"" + ok + "\", \"webhooks\": [\"https://hooks.example.com\", {\"url\": \"http://10.1.2.3/h\"}]}",
                "webhooks[1].url");
        assertRefused("{\"url\": \"" + ok + "\", \"webhook_url\": \"http://127.0.0.1:9/hook\"}", "webhooks[0].url");
        assertRefused("{\"url\": \"" + ok + "\", \"fallback_job\": {\"url\": \"https://a.example.com\", "
                + "\"fallbackJob\": {\"url\": \"http://[::1]/\"}}}", "fallback_job.fallback_job.url");
        assertRefused("{\"url\": \"" + ok + "\", \"on_success\": {\"url\": \"http://169.254.169.254/\"}}", "on_success.url");
        assertRefused("{\"url\": \"" + ok + "\", \"onFailure\": {\"url\": \"https://a.example.com\", "
                + "\"webhooks\": [{\"url\": \"http://192.168.0.10/\"}]}}", "on_failure.webhooks[0].url");
    }

    @Test
    void publicNamesAndAddressesAreAccepted() {
        for (String url : List.of("https://api.example.com/" + unique(), "http://93.184.216.34/" + unique(),
                "https://[2606:4700::1111]/" + unique(), "https://1572395042/" + unique())) {
            Reply reply = post(JOBS, BOOTSTRAP_KEY, "{\"url\": \"" + url + "\"}");
            assertThat(reply.status()).as("%s -> %s", url, reply).isEqualTo(201);
        }
    }

    private void assertRefused(String body, String field) {
        long intake = intakeSize();
        Reply reply = post(JOBS, BOOTSTRAP_KEY, body);
        assertThat(reply.status()).as("%s -> %s", body, reply).isEqualTo(400);
        assertThat(reply.text("field")).as(body).isEqualTo(field);
        assertThat(intakeSize()).isEqualTo(intake);
    }
}
