package io.ezthrottle.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The one-command local run: embedded Redis when none is configured, every service up and healthy. */
class LauncherIntegrationTests {

    @Test
    void startsEveryServiceOnEmbeddedRedisAndEachReportsHealthy() throws Exception {
        String[] ports = {"ezthrottle.api-port", "ezthrottle.admin-port", "ezthrottle.webhook-port", "ezthrottle.worker-port"};
        for (String p : ports) {
            System.setProperty(p, "0");
        }
        System.setProperty("ezthrottle.regions", "iad,lax");
        Launcher launcher = new Launcher();
        try {
            launcher.start("--spring.main.banner-mode=off");
            // webhook, two workers (one per region), api, admin
            assertThat(launcher.contexts()).hasSize(5);
            HttpClient http = HttpClient.newHttpClient();
            for (ConfigurableApplicationContext context : launcher.contexts()) {
                String port = context.getEnvironment().getProperty("local.server.port");
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as(context.getId() + " " + health.body()).isEqualTo(200);
                assertThat(health.body()).contains("\"UP\"");
            }
            assertThat(launcher.contexts().stream().map(c -> c.getEnvironment().getProperty("ezthrottle.region")))
                    .contains("iad", "lax");
        } finally {
            launcher.close();
            for (String p : ports) {
                System.clearProperty(p);
            }
            System.clearProperty("ezthrottle.regions");
        }
    }
}
