package io.ezthrottle.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.ezthrottle.admin.ConsoleWebTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Who may do what: login is required for every page, every write needs a CSRF token, and a viewer is refused every
 * write the console has, found by walking the handler mappings (so a new endpoint is covered without touching this
 * test).
 */
class ConsoleSecurityTests extends ConsoleWebTestSupport {

    private static final List<String> PAGES = List.of("/", "/tenants", "/tiers", "/domains", "/secrets", "/queues",
            "/jobs/job_1", "/overview/stream", "/queues/stream", "/users");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    @Test
    void everyPageNeedsALogin() throws Exception {
        for (String page : PAGES) {
            mvc.perform(get(page)).andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/login"));
        }
    }

    @Test
    void theLoginPageAndTheProbesAreOpen() throws Exception {
        mvc.perform(get("/login")).andExpect(status().isOk());
        mvc.perform(get("/css/console.css")).andExpect(status().isOk());
    }

    @Test
    void formLoginChecksBcryptHashedPasswords() throws Exception {
        mvc.perform(formLogin().user("admin").password("admin-pass")).andExpect(redirectedUrl("/"));
        mvc.perform(formLogin().user("viewer").password("viewer-pass")).andExpect(redirectedUrl("/"));
        // configured as a {bcrypt} hash: no clear password was ever deployed
        mvc.perform(formLogin().user("auditor").password("auditor-pass")).andExpect(redirectedUrl("/"));
        mvc.perform(formLogin().user("admin").password("wrong")).andExpect(redirectedUrl("/login?error"));
        mvc.perform(formLogin().user("viewer").password(AUDITOR_HASH)).andExpect(redirectedUrl("/login?error"));
    }

    @Test
    void aLoginWithoutCsrfTokenIsRefused() throws Exception {
        mvc.perform(request(HttpMethod.POST, "/login").param("username", "admin").param("password", "admin-pass"))
                .andExpect(status().isForbidden());
    }

    @Test
    void theConsoleHasWrites() {
        assertThat(writes()).extracting(Write::path).contains("/tenants", "/tenants/{id}/keys",
                "/tenants/{id}/keys/{keyId}/revoke", "/tiers/{tenantId}", "/domains/override", "/domains/clear",
                "/secrets/{tenantId}/rotate", "/secrets/{tenantId}/end-grace", "/secrets/{tenantId}/delete",
                "/queues/dead-letters/{tenantId}/{id}/replay", "/queues/dead-letters/{tenantId}/{id}/discard",
                "/users", "/users/{name}/role", "/users/{name}/password", "/users/{name}/delete");
    }

    @Test
    void everyWriteWithoutCsrfTokenIsForbiddenEvenForAnAdmin() throws Exception {
        for (Write w : writes()) {
            MvcResult result = mvc.perform(request(w.method(), w.example()).with(user("admin").roles("ADMIN"))
                    .param("name", "x").param("tier", "free").param("destination", "example.com")).andReturn();
            assertThat(result.getResponse().getStatus()).as(w.toString()).isEqualTo(403);
        }
    }

    @Test
    void aViewerIsRefusedEveryWrite() throws Exception {
        for (Write w : writes()) {
            MvcResult result = mvc.perform(request(w.method(), w.example()).with(user("viewer").roles("VIEWER")).with(csrf())
                    .param("name", "x").param("tier", "free").param("destination", "example.com")).andReturn();
            assertThat(result.getResponse().getStatus()).as(w.toString()).isEqualTo(403);
        }
    }

    @Test
    void anAdminWithTokenGetsPastSecurityOnEveryWrite() throws Exception {
        for (Write w : writes()) {
            MvcResult result = mvc.perform(request(w.method(), w.example()).with(user("admin").roles("ADMIN")).with(csrf())
                    .param("name", "x").param("tier", "free").param("destination", "example.com")).andReturn();
            // 302 after success, 400 / 404 for the made-up ids: anything but a refusal
            assertThat(result.getResponse().getStatus()).as(w.toString()).isNotEqualTo(403).isNotEqualTo(401);
        }
    }

    @Test
    void aViewerSeesEveryPage() throws Exception {
        for (String page : List.of("/", "/tenants", "/tiers", "/domains", "/secrets", "/queues", "/jobs/job_1",
                "/users")) {
            mvc.perform(get(page).with(user("viewer").roles("VIEWER"))).andExpect(status().isOk());
        }
    }

    @Test
    void aViewerCanLogOut() throws Exception {
        mvc.perform(request(HttpMethod.POST, "/logout").with(user("viewer").roles("VIEWER")).with(csrf()))
                .andExpect(redirectedUrl("/login?logout"));
    }

    private List<Write> writes() {
        List<Write> writes = new ArrayList<>();
        mappings.getHandlerMethods().forEach((RequestMappingInfo info, HandlerMethod handler) -> {
            if (!handler.getBeanType().getPackageName().startsWith("io.ezthrottle.admin")) {
                return;
            }
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (RequestMethod m : methods.isEmpty() ? Set.of(RequestMethod.POST) : methods) {
                if (m == RequestMethod.GET || m == RequestMethod.HEAD || m == RequestMethod.OPTIONS) {
                    continue;
                }
                info.getPathPatternsCondition().getPatterns()
                        .forEach(p -> writes.add(new Write(m.asHttpMethod(), p.getPatternString())));
            }
        });
        return writes;
    }

    private record Write(HttpMethod method, String path) {
        /** The path with every variable filled in. */
        String example() {
            return path.replaceAll("\\{[^}]+}", "x_1");
        }
    }
}
