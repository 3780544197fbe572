package io.ezthrottle.admin;

import java.util.UUID;

import io.ezthrottle.testsupport.RedisTestServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Base of the console's page and security tests: the MVC slice with the console's components, on the shared test
 * Redis under a key prefix of its own per test class. Users: {@code admin}/{@code admin-pass} and the viewers
 * {@code viewer}/{@code viewer-pass} and {@code auditor} (configured by BCrypt hash, password {@code auditor-pass}).
 */
@WebMvcTest
@Import(ConsoleSliceConfiguration.class)
public abstract class ConsoleWebTestSupport {

    /** BCrypt hash of {@code auditor-pass}. */
    protected static final String AUDITOR_HASH = "{bcrypt}$2a$10$YuYKoSyhddoH52S5RQ7U4exMICCWynCBpY0DFZW6xwgQbP9CtYLuq";

    @Autowired
    protected MockMvc mvc;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("ezthrottle.redis.url", () -> RedisTestServer.shared().url());
        registry.add("ezthrottle.redis.key-prefix", () -> "adm" + UUID.randomUUID().toString().substring(0, 8));
        registry.add("ezthrottle.admin.user", () -> "admin");
        registry.add("ezthrottle.admin.password", () -> "admin-pass");
        registry.add("ezthrottle.admin.viewers", () -> "viewer:viewer-pass,auditor:" + AUDITOR_HASH);
        registry.add("ezthrottle.admin.overview.interval", () -> "200ms");
        registry.add("ezthrottle.admin.queues.refresh", () -> "200ms");
    }
}
