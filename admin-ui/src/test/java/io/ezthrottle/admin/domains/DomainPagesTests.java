package io.ezthrottle.admin.domains;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.ezthrottle.admin.ConsoleWebTestSupport;
import io.ezthrottle.admin.web.ConsoleTimes;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.throttle.DomainLimits;
import io.ezthrottle.core.throttle.DomainLimitsStore;
import io.ezthrottle.core.throttle.InFlightLimiter;
import io.ezthrottle.core.throttle.PacingSignal;
import org.junit.jupiter.api.Test;
import org.redisson.api.RMapReactive;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** Destinations: where their limits come from, what is in flight, the last 429, pauses, and operator overrides. */
@TestPropertySource(properties = {"ezthrottle.pacing.domains[configured.example].rps=7",
        "ezthrottle.pacing.domains[configured.example].max-concurrent=3"})
class DomainPagesTests extends ConsoleWebTestSupport {

    private static final Duration REDIS = Duration.ofSeconds(5);

    @Autowired
    private DomainLimitsStore limits;
    @Autowired
    private InFlightLimiter inFlight;
    @Autowired
    private RedissonReactiveClient redis;
    @Autowired
    private RedisKeys keys;
    @Autowired
    private ConsoleTimes times;

    @Test
    void showsConfiguredLearnedAndDefaultLimitsWithInFlightAndPause() throws Exception {
        DomainLimits current = limits.read("learned.example").block(Duration.ofSeconds(5));
        limits.learn("learned.example", PacingSignal.from(Map.of("x-ezthrottle-rps", "5", "x-ezthrottle-max-concurrent", "4")),
                current).block(Duration.ofSeconds(5));
        limits.slowDown("learned.example", false, Optional.of(Duration.ofSeconds(60)), Duration.ofMillis(500),
                Duration.ofSeconds(30)).block(Duration.ofSeconds(5));
        inFlight.acquire("busy.example:8443", 2, 2, 30_000).block(Duration.ofSeconds(5));

        String page = page("/domains");
        assertThat(row(page, "configured.example")).contains("7.00").contains(">3<").contains("configured");
        assertThat(row(page, "learned.example")).contains("5.00").contains(">4<").contains("learned")
                .contains("<td class=\"pause\">until ");
        assertThat(row(page, "busy.example:8443")).contains("2.00").contains("default")
                .contains("<td class=\"in-flight\">2</td>").contains("<td class=\"pause\">no</td>");
    }

    @Test
    void showsWhenEachDestinationLastAnswered429AndItsRetryAfter() throws Exception {
        // written the way workers write them: epoch ms, and 0 when the 429 carried no Retry-After
        long minutesAgo = System.currentTimeMillis() - Duration.ofMinutes(3).plusSeconds(10).toMillis();
        long hoursAgo = System.currentTimeMillis() - Duration.ofHours(5).toMillis();
        limitsHash("throttled.example").putAll(Map.of("last_429_at", Long.toString(minutesAgo),
                "last_429_retry_after_ms", "30000")).block(REDIS);
        limitsHash("bare.example:8443").putAll(Map.of("last_429_at", Long.toString(hoursAgo),
                "last_429_retry_after_ms", "0")).block(REDIS);
        limitsHash("garbled.example").fastPut("last_429_at", "soon").block(REDIS);
        inFlight.acquire("calm.example", 1, 2, 30_000).block(REDIS);

        String page = page("/domains");
        assertThat(last429(row(page, "throttled.example"))).contains(">3 min ago<")
                .contains("title=\"" + times.format(minutesAgo) + "\"")
                .contains("datetime=\"" + Instant.ofEpochMilli(minutesAgo) + "\"")
                .contains("Retry-After 30 s");
        assertThat(last429(row(page, "bare.example:8443"))).contains(">5 h ago<").doesNotContain("Retry-After");
        assertThat(last429(row(page, "calm.example"))).contains("never").doesNotContain("ago");
        assertThat(last429(row(page, "garbled.example"))).contains("never");
        assertThat(last429(row(page("/domains?destination=throttled.example"), "throttled.example")))
                .contains(">3 min ago<").contains("Retry-After 30 s");
    }

    @Test
    void anOverrideBeatsLearnedLimitsUntilCleared() throws Exception {
        DomainLimits current = limits.read("api.override.example").block(Duration.ofSeconds(5));
        limits.learn("api.override.example", PacingSignal.from(Map.of("x-ezthrottle-rps", "9")), current)
                .block(Duration.ofSeconds(5));
        mvc.perform(post("/domains/override").with(user("admin").roles("ADMIN")).with(csrf())
                        .param("destination", "API.Override.example").param("rps", "1.5").param("maxConcurrent", "1"))
                .andExpect(status().is3xxRedirection());
        DomainLimits overridden = limits.read("api.override.example").block(Duration.ofSeconds(5));
        assertThat(overridden.rps()).isEqualTo(1.5);
        assertThat(overridden.maxConcurrent()).isEqualTo(1);
        assertThat(overridden.source()).isEqualTo("override");
        assertThat(row(page("/domains?destination=api.override.example"), "api.override.example"))
                .contains("1.50").contains("override").contains("clear");

        mvc.perform(post("/domains/clear").with(user("admin").roles("ADMIN")).with(csrf())
                .param("destination", "api.override.example")).andExpect(status().is3xxRedirection());
        DomainLimits cleared = limits.read("api.override.example").block(Duration.ofSeconds(5));
        assertThat(cleared.source()).isEqualTo("learned");
        assertThat(cleared.rps()).isEqualTo(9.0);
    }

    @Test
    void refusesBadDestinationsAndLimits() throws Exception {
        for (String[] bad : new String[][] {{"evil{tag}", "1"}, {"ok.example", "0.01"}, {"ok.example", "abc"}}) {
            mvc.perform(post("/domains/override").with(user("admin").roles("ADMIN")).with(csrf())
                    .param("destination", bad[0]).param("rps", bad[1])).andExpect(status().isBadRequest());
        }
        mvc.perform(post("/domains/override").with(user("admin").roles("ADMIN")).with(csrf())
                .param("destination", "ok.example").param("maxConcurrent", "0")).andExpect(status().isBadRequest());
    }

    @Test
    void escapesGlobCharactersOfTheKeyPrefix() {
        assertThat(DomainDirectory.escapeGlob("a*b:limits:{*}")).isEqualTo("a\\*b:limits:{*}");
    }

    private RMapReactive<String, String> limitsHash(String destination) {
        return redis.getMap(keys.domainLimits(destination), StringCodec.INSTANCE);
    }

    private static String last429(String row) {
        int at = row.indexOf("<td class=\"last-429\"");
        assertThat(at).as("last 429 cell").isNotNegative();
        return row.substring(at, row.indexOf("</td>", at));
    }

    private String page(String url) throws Exception {
        return mvc.perform(get(url).with(user("admin").roles("ADMIN"))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
    }

    private static String row(String page, String destination) {
        int at = page.indexOf("data-destination=\"" + destination + "\"");
        assertThat(at).as("row of " + destination).isNotNegative();
        return page.substring(page.lastIndexOf("<tr", at), page.indexOf("</tr>", at));
    }
}
