package io.ezthrottle.admin.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.ezthrottle.admin.web.ConsoleTimes;
import io.ezthrottle.core.delivery.DeadLetterStore;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.secret.WebhookSecretStore;
import io.ezthrottle.core.secret.WebhookSecrets;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import io.ezthrottle.core.usage.UsageMeter;
import io.ezthrottle.testsupport.HttpStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console in a real headless Chromium against the whole platform (API, worker, webhook dispatcher, real Redis,
 * loopback stubs as upstream and webhook receivers). One story, in order: an admin logs in, creates a tenant, issues
 * it a key and sets and rotates its webhook secret; jobs submitted with that key show up on the Overview charts and
 * in the live queue view without a reload; a failing webhook becomes a dead letter that is replayed from the
 * console; a form without CSRF token is refused; a viewer added on the Users page logs in, sees everything and
 * changes nothing. Screenshots of the main pages go to {@code docs/screenshots/} (referenced from the README).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTests {

    private static final Duration REDIS = Duration.ofSeconds(5);
    private static final String ONCALL_PASSWORD = "oncall-browser-pass";

    private ConsolePlatform platform;
    private Browser browser;
    private HttpStub upstream;
    private HttpStub receiver;
    private HttpStub failingReceiver;
    private final JsonMapper json = JsonMapper.builder().build();

    private String tenantId;
    private String apiKey;
    private String deadJobId;

    @BeforeAll
    void start() throws URISyntaxException {
        // target/test-classes → the repository root, whatever directory the tests run from
        Path root = Path.of(ConsoleBrowserTests.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent().getParent().getParent();
        browser = new Browser(root.resolve("docs/screenshots"));
        upstream = new HttpStub().respond(r -> HttpStub.Response.ok("{\"order\": 42}"));
        receiver = new HttpStub();
        failingReceiver = new HttpStub().respond(r -> HttpStub.Response.status(500));
        platform = new ConsolePlatform();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {browser, platform, upstream, receiver, failingReceiver}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    @Order(1)
    void anAdminLogsInCreatesATenantAndIssuesAKeyShownOnce() {
        browser.open(url("/"));
        browser.await("login form", d -> browser.has("#login-form"));
        browser.screenshot("login");
        browser.logIn(url(""), "admin", ConsolePlatform.ADMIN_PASSWORD);
        // the session as the real server hands it out: hidden from scripts, never sent cross-site, 30 idle minutes
        Cookie session = browser.driver().manage().getCookieNamed("JSESSIONID");
        assertThat(session).as("session cookie").isNotNull();
        assertThat(session.isHttpOnly()).as("HttpOnly").isTrue();
        assertThat(session.getSameSite()).as("SameSite").isEqualTo("Strict");
        assertThat(platform.consoleSessionTimeoutMinutes()).isEqualTo(30);

        browser.open(url("/tenants"));
        browser.find("#tenant-name").sendKeys("Browser Rockets");
        new Select(browser.find("#tenant-tier")).selectByValue("indie");
        browser.find("#create-tenant-button").click();
        tenantId = browser.await("tenant page", d -> browser.has("#tenant-id") ? browser.find("#tenant-id").getText() : null);

        browser.find("#key-label").sendKeys("ci");
        browser.find("#issue-key-button").click();
        apiKey = browser.await("issued key", d -> browser.has("#issued-key-value")
                ? browser.find("#issued-key-value").getAttribute("value") : null);
        browser.find("#copy-key").click();
        browser.await("copied", d -> "Copied".equals(browser.find("#copy-key").getText()));
        browser.screenshot("tenant-key");
        assertThat(apiKey).startsWith("ezt_live_");
        Tenant owner = platform.adminBean(TenantStore.class).authenticate(apiKey).block(REDIS);
        assertThat(owner.id()).isEqualTo(tenantId);
        assertThat(owner.tier()).isEqualTo(Tier.INDIE);

        browser.open(url("/tenants/" + tenantId));
        assertThat(browser.has("#issued-key-value")).as("the key is shown only once").isFalse();
        assertThat(browser.find("#keys").getText()).contains(apiKey.substring(0, 12) + "…").doesNotContain(apiKey);

        browser.open(url("/tenants"));
        browser.find("#q").sendKeys(apiKey.substring(0, 12));
        browser.find("#search-form button").click();
        browser.await("search by key prefix", d -> browser.has("#tenants tr[data-tenant='" + tenantId + "']"));
        browser.screenshot("tenants");
    }

    @Test
    @Order(2)
    void anAdminSetsAndRotatesTheWebhookSecret() {
        browser.open(url("/secrets"));
        row("#secrets", tenantId).findElement(By.cssSelector("button.rotate")).click();
        String first = browser.await("generated secret", d -> browser.has("#new-secret-value")
                ? browser.find("#new-secret-value").getAttribute("value") : null);
        WebhookSecretStore secrets = platform.adminBean(WebhookSecretStore.class);
        assertThat(secrets.find(tenantId).block(REDIS).primary()).isEqualTo(first);

        String next = "whsec_browser_rotation_0002";
        WebElement row = row("#secrets", tenantId);
        row.findElement(By.cssSelector("input[name=secret]")).sendKeys(next);
        row.findElement(By.cssSelector("button.rotate")).click();
        browser.await("rotated", d -> row("#secrets", tenantId).findElement(By.cssSelector(".primary")).getText()
                .equals(WebhookSecrets.mask(next)));
        WebElement rotated = row("#secrets", tenantId);
        assertThat(rotated.findElement(By.cssSelector(".secondary")).getText()).isEqualTo(WebhookSecrets.mask(first));
        assertThat(rotated.findElement(By.cssSelector(".grace")).getText()).endsWith("UTC");
        assertThat(browser.driver().getPageSource()).doesNotContain(next).doesNotContain(first);
        WebhookSecrets stored = secrets.find(tenantId).block(REDIS);
        assertThat(stored.primary()).isEqualTo(next);
        assertThat(stored.secondary()).isEqualTo(first);
        browser.screenshot("secrets");
    }

    @Test
    @Order(3)
    void submittedJobsDrawTheOverviewChartsWithoutAReload() {
        browser.open(url("/"));
        browser.await("overview stream", d -> "live".equals(browser.find("#live-status").getAttribute("data-state")));
        assertThat(chart("throughput", "submitted")).as("nothing submitted yet").isZero();
        browser.markDocument();

        List<String> jobs = submit(6, receiver);
        upstream.awaitCount(6, Duration.ofSeconds(30));
        browser.await("submitted, dispatched, completed and backlog drawn", d -> chart("throughput", "submitted") > 0
                && chart("throughput", "dispatched") > 0 && chart("throughput", "completed") > 0
                && chart("backlog", "backlog") > 0);
        browser.await("webhook success drawn", d -> chart("webhooks", "webhooksuccess") > 0);
        assertThat(browser.find("#now-webhooks").getText()).endsWith("%");
        assertThat(browser.documentMarked()).as("charts changed without a reload").isTrue();
        assertThat(jobs).hasSize(6);
        browser.screenshot("overview");
    }

    @Test
    @Order(4)
    void theQueueViewShowsTheBacklogPerDomainAndTenantLive() {
        browser.open(url("/queues"));
        browser.await("queue stream", d -> "live".equals(browser.find("#live-status").getAttribute("data-state")));
        browser.markDocument();
        int before = upstream.count();
        submit(6, receiver);
        String destination = "127.0.0.1:" + upstream.port();
        browser.await("backlog of the stub's domain", d -> browser.has("#q-domains tr[data-destination='" + destination + "']")
                && browser.has("#q-tenants tr[data-tenant='" + tenantId + "']"));
        browser.screenshot("queues-backlog");
        upstream.awaitCount(before + 6, Duration.ofSeconds(30));
        browser.await("backlog drained", d -> !browser.has("#q-domains tr[data-destination='" + destination + "']"));
        assertThat(browser.documentMarked()).as("queue view changed without a reload").isTrue();

        browser.open(url("/domains"));
        WebElement row = row("#domains", destination, "data-destination");
        assertThat(row.findElement(By.cssSelector(".source")).getText()).isEqualTo("default");
        WebElement rps = row.findElement(By.cssSelector("input[name=rps]"));
        rps.clear();
        rps.sendKeys("4");
        row.findElement(By.cssSelector(".override-form button")).click();
        browser.await("override shown", d -> browser.has("#domains tr[data-destination='" + destination + "'] .source.override"));
        assertThat(row("#domains", destination, "data-destination").findElement(By.cssSelector(".rps")).getText())
                .isEqualTo("4.00 rps");
        assertThat(row("#domains", destination, "data-destination").findElement(By.cssSelector(".last-429")).getText())
                .isEqualTo("never");

        // the fields a worker writes when the upstream answers 429; the stub here never does
        long last429 = System.currentTimeMillis() - 42_000;
        platform.adminBean(RedissonReactiveClient.class)
                .getMap(platform.adminBean(RedisKeys.class).domainLimits(destination), StringCodec.INSTANCE)
                .putAll(Map.of("last_429_at", Long.toString(last429), "last_429_retry_after_ms", "30000")).block(REDIS);
        browser.open(url("/domains"));
        WebElement shown = row("#domains", destination, "data-destination").findElement(By.cssSelector(".last-429"));
        assertThat(shown.getText()).containsPattern("\\d+ (s|min) ago").contains("Retry-After 30 s");
        assertThat(shown.findElement(By.cssSelector("time")).getAttribute("title"))
                .isEqualTo(platform.adminBean(ConsoleTimes.class).format(last429));
        browser.screenshot("domains");
    }

    @Test
    @Order(5)
    void aDeadLetterAppearsLiveAndIsReplayedFromTheConsole() {
        browser.open(url("/queues"));
        browser.await("queue stream", d -> "live".equals(browser.find("#live-status").getAttribute("data-state")));
        browser.markDocument();
        List<String> jobs = submit(2, failingReceiver);
        deadJobId = jobs.get(0);
        String replayed = jobs.get(1);
        for (String job : jobs) {
            browser.await("dead letter of " + job, d -> browser.find("#q-dead-letters").getText().contains(job));
        }
        assertThat(browser.documentMarked()).isTrue();
        browser.screenshot("queues");

        failingReceiver.respond(r -> HttpStub.Response.ok("{}"));
        int calls = failingReceiver.count();
        // the live view redraws its rows every refresh: find the row and press its button in one step
        browser.await("replay pressed", d -> Boolean.TRUE.equals(browser.script("""
                var rows = document.querySelectorAll('#q-dead-letters tr[data-dead-letter]');
                for (var i = 0; i < rows.length; i++) {
                  if (rows[i].textContent.indexOf(arguments[0]) >= 0) { rows[i].querySelector('button.replay').click(); return true; }
                }
                return false;""", replayed)));
        browser.await("replayed", d -> browser.has("#flash") && browser.find("#flash").getText().contains("replayed"));
        failingReceiver.awaitCount(calls + 1, Duration.ofSeconds(30));
        DeliveryStore deliveries = platform.adminBean(DeliveryStore.class);
        browser.await("delivered after replay", d -> deliveries.view(replayed).block(REDIS).targets().get(0).state()
                .equals("delivered"));
        browser.await("letter gone from the live view", d -> browser.has("#q-dead-letters tbody tr")
                && !browser.find("#q-dead-letters").getText().contains(replayed));

        browser.find("#job-id").sendKeys(replayed);
        browser.find("#job-lookup button").click();
        browser.await("timeline", d -> browser.has("#job-state"));
        assertThat(browser.find("#job-state").getText()).isEqualTo("completed");
        assertThat(browser.find("#attempts").getText()).contains("0@*").contains("done");
        assertThat(browser.find("#webhooks").getText()).contains("delivered").contains(failingReceiver.url("/hook"));
        assertThat(browser.find("#timeline").getText()).contains("queued").contains("completed").contains("webhook delivered");
        browser.screenshot("job");
    }

    @Test
    @Order(6)
    void tiersShowUsageAgainstCapsAndCanBeAssigned() {
        TenantStore tenants = platform.adminBean(TenantStore.class);
        UsageMeter usage = platform.adminBean(UsageMeter.class);
        Tenant almost = tenants.create("Almost Full Inc", Tier.FREE).block(REDIS);
        // the counter the API increments at every acceptance; a million real submissions would take too long here
        platform.adminBean(RedissonReactiveClient.class)
                .getBucket(usage.counterKey(almost.id(), usage.currentPeriod()), StringCodec.INSTANCE).set("930000")
                .block(REDIS);

        browser.open(url("/tiers"));
        assertThat(browser.find("#usage tr[data-tenant='" + almost.id() + "']").getAttribute("class")).contains("near-cap");
        WebElement mine = row("#usage", tenantId);
        // 6 + 6 + 2 jobs accepted this month, counted by the API
        assertThat(mine.findElement(By.cssSelector("td:nth-child(4) span")).getText()).isEqualTo("14");
        new Select(mine.findElement(By.cssSelector("select[name=tier]"))).selectByValue("pro");
        mine.findElement(By.cssSelector(".tier-form button")).click();
        browser.await("tier assigned", d -> row("#usage", tenantId).findElement(By.cssSelector(".tier-now")).getText().equals("pro"));
        assertThat(tenants.find(tenantId).block(REDIS).tier()).isEqualTo(Tier.PRO);
        browser.screenshot("tiers");
    }

    @Test
    @Order(7)
    void aFormWithoutCsrfTokenIsRefused() {
        browser.open(url("/tenants"));
        browser.find("#tenant-name").sendKeys("No Token Co");
        browser.script("document.querySelectorAll('#create-tenant input[name=_csrf]').forEach(function (e) { e.remove(); });");
        browser.find("#create-tenant-button").click();
        browser.await("refused", d -> browser.has("#forbidden"));
        browser.screenshot("forbidden");
        List<Tenant> all = platform.adminBean(TenantStore.class).list().collectList().block(REDIS);
        assertThat(all).extracting(Tenant::name).doesNotContain("No Token Co");
    }

    @Test
    @Order(8)
    void aViewerAddedInTheConsoleSeesEverythingAndChangesNothing() {
        // still logged in as the admin: add a viewer on the Users page, then log in as that viewer
        browser.open(url("/users"));
        browser.find("#new-username").sendKeys("oncall");
        browser.find("#new-password").sendKeys(ONCALL_PASSWORD);
        new Select(browser.find("#new-role")).selectByValue("viewer");
        browser.find("#add-user-button").click();
        browser.await("user added", d -> browser.has("#users tr[data-user='oncall']"));
        WebElement oncall = row("#users", "oncall", "data-user");
        assertThat(oncall.findElement(By.cssSelector(".role-now")).getText()).isEqualTo("viewer");
        assertThat(browser.find("#flash").getText()).contains("oncall added");
        browser.screenshot("users");

        browser.logIn(url(""), "oncall", ONCALL_PASSWORD);
        for (String page : List.of("/", "/tenants", "/tenants/" + tenantId, "/tiers", "/domains", "/secrets",
                "/jobs/" + deadJobId, "/users")) {
            browser.open(url(page));
            browser.await(page + " rendered", d -> browser.has("#current-user"));
            assertThat(browser.driver().findElements(By.cssSelector("main form[method=post]"))).as(page).isEmpty();
        }
        browser.open(url("/queues"));
        browser.await("dead letter listed", d -> browser.find("#q-dead-letters").getText().contains(deadJobId));
        assertThat(browser.driver().findElements(By.cssSelector("main form[method=post]"))).isEmpty();
        browser.screenshot("viewer-queues");

        // a viewer who builds the form by hand, with a valid CSRF token, is refused all the same
        String letterId = (String) browser.script(
                "return document.querySelector('#q-dead-letters tr[data-dead-letter]').getAttribute('data-dead-letter');");
        browser.script("""
                var f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];
                var t = document.createElement('input'); t.type = 'hidden';
                t.name = document.querySelector('meta[name=_csrf_parameter]').content;
                t.value = document.querySelector('meta[name=_csrf]').content; f.appendChild(t);
                document.body.appendChild(f); f.submit();""",
                url("/queues/dead-letters/" + tenantId + "/" + letterId + "/replay"));
        browser.await("refused", d -> browser.has("#forbidden"));
        assertThat(platform.adminBean(DeadLetterStore.class).count(tenantId).block(REDIS)).isEqualTo(1);
    }

    @Test
    @Order(9)
    void aRevokedKeyIsRefusedByTheApi() {
        browser.logIn(url(""), "admin", ConsolePlatform.ADMIN_PASSWORD);
        browser.open(url("/tenants/" + tenantId));
        browser.find("#keys button.revoke").click();
        browser.driver().switchTo().alert().accept();
        browser.await("revoked", d -> browser.has("#flash") && browser.find("#flash").getText().contains("revoked"));
        assertThat(platform.submit(apiKey, job(receiver)).statusCode()).isEqualTo(401);
    }

    /** Submits {@code n} jobs to the upstream stub with one webhook to {@code hooks}; returns their ids. */
    private List<String> submit(int n, HttpStub hooks) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> {
            HttpResponse<String> response = platform.submit(apiKey, job(hooks));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            return json.readTree(response.body()).path("job_id").asString();
        }).toList();
    }

    private String job(HttpStub hooks) {
        // a key of its own per job: identical requests would otherwise be one job (the API deduplicates them)
        return """
                {"url": "%s", "method": "GET", "idempotent_key": "browser-%s",
                 "webhooks": [{"url": "%s", "has_quorum_vote": true}]}"""
                .formatted(upstream.url("/orders"), java.util.UUID.randomUUID(), hooks.url("/hook"));
    }

    /** Highest value of a series on an Overview chart (0 when it has none). */
    private double chart(String chart, String series) {
        String value = browser.find("#chart-" + chart).getAttribute("data-max-" + series);
        return value == null || value.isEmpty() ? 0 : Double.parseDouble(value);
    }

    private WebElement row(String table, String tenant) {
        return row(table, tenant, "data-tenant");
    }

    private WebElement row(String table, String key, String attribute) {
        return browser.find(table + " tr[" + attribute + "='" + key + "']");
    }

    private String url(String path) {
        return platform.adminUrl(path);
    }
}
