package io.ezthrottle.admin;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.UUID;

import io.ezthrottle.testsupport.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The whole console application (actuator included): health probes and the Prometheus scrape answer without a
 * session; other actuator endpoints need a login like every page.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ActuatorAccessTests {

    @Autowired
    private MockMvc mvc;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("ezthrottle.redis.url", () -> RedisTestServer.shared().url());
        registry.add("ezthrottle.redis.key-prefix", () -> "adm" + UUID.randomUUID().toString().substring(0, 8));
        registry.add("ezthrottle.admin.password", () -> "admin-pass");
    }

    @Test
    void probesAndTheScrapeAreOpen() throws Exception {
        mvc.perform(get("/actuator/health")).andExpect(status().isOk());
        mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
        mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk());
        mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("jvm_memory_used_bytes")));
    }

    @Test
    void everythingElseNeedsALogin() throws Exception {
        mvc.perform(get("/actuator/info")).andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/login"));
        mvc.perform(get("/actuator")).andExpect(status().is3xxRedirection());
    }
}
