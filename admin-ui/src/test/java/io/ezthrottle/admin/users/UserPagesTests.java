package io.ezthrottle.admin.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;

import io.ezthrottle.admin.ConsoleWebTestSupport;
import io.ezthrottle.core.redis.RedisKeys;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * Console users managed from the Users page, against the real store in Redis and real form logins: what a new
 * user may do, how passwords are kept, the guard rails, and that sessions follow deletions and role changes.
 */
class UserPagesTests extends ConsoleWebTestSupport {

    private static final Duration REDIS = Duration.ofSeconds(5);

    @Autowired
    private ConsoleUserStore users;
    @Autowired
    private RedissonReactiveClient redis;
    @Autowired
    private RedisKeys keys;

    @Test
    void anAddedViewerLogsInAndCanChangeNothing() throws Exception {
        add("oncall", "oncall-password-1", "viewer");
        MockHttpSession session = logIn("oncall", "oncall-password-1");
        String page = mvc.perform(get("/users").session(session)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("data-user=\"oncall\"").contains("viewer · read only")
                .doesNotContain("id=\"add-user\"");
        mvc.perform(newUser("sneaky", "sneaky-password-1", "admin").session(session))
                .andExpect(status().isForbidden());
        mvc.perform(post("/users/admin/role").session(session).with(csrf()).param("role", "viewer"))
                .andExpect(status().isForbidden());
        mvc.perform(post("/tenants").session(session).with(csrf()).param("name", "X").param("tier", "free"))
                .andExpect(status().isForbidden());
        assertThat(users.find("sneaky").block(REDIS)).isNull();
        assertThat(users.find("admin").block(REDIS).admin()).isTrue();
    }

    @Test
    void anAddedAdminLogsInAndManagesUsers() throws Exception {
        MockHttpSession session = newAdminLoggedIn("second-admin");
        mvc.perform(newUser("helper", "helper-password-1", "viewer").session(session))
                .andExpect(redirectedUrl("/users"));
        mvc.perform(post("/users/helper/role").session(session).with(csrf()).param("role", "admin"))
                .andExpect(redirectedUrl("/users"));
        assertThat(users.find("helper").block(REDIS).admin()).isTrue();
        mvc.perform(post("/users/helper/delete").session(session).with(csrf())).andExpect(redirectedUrl("/users"));
        assertThat(users.find("helper").block(REDIS)).isNull();
    }

    @Test
    void passwordsAreStoredAsBcryptHashesOnly() throws Exception {
        add("hashed", "hashed-password-1", "viewer");
        String stored = raw("hashed");
        assertThat(stored).startsWith("VIEWER|$2a$").doesNotContain("hashed-password-1");
        String hash = stored.substring("VIEWER|".length());
        assertThat(new BCryptPasswordEncoder().matches("hashed-password-1", hash)).isTrue();
        // the configured users too: the admin's plain password was hashed, the auditor's hash was kept as given
        assertThat(raw("admin")).startsWith("ADMIN|$2a$").doesNotContain("admin-pass");
        assertThat(raw("auditor")).isEqualTo("VIEWER|" + AUDITOR_HASH.substring("{bcrypt}".length()));
        String page = mvc.perform(get("/users").with(admin())).andReturn().getResponse().getContentAsString();
        assertThat(page).doesNotContain("$2a$");
    }

    @Test
    void aPasswordResetTakesEffectAtTheNextLogin() throws Exception {
        add("forgetful", "forgetful-pass-1", "viewer");
        mvc.perform(post("/users/forgetful/password").with(admin()).with(csrf()).param("password", "remembered-pass-2"))
                .andExpect(redirectedUrl("/users"));
        mvc.perform(formLogin().user("forgetful").password("forgetful-pass-1"))
                .andExpect(redirectedUrl("/login?error"));
        logIn("forgetful", "remembered-pass-2");
        assertThat(raw("forgetful")).startsWith("VIEWER|");
    }

    @Test
    void theLastAdminCanBeNeitherDeletedNorDemoted() throws Exception {
        for (ConsoleUser u : users.list().collectList().block(REDIS)) {
            if (u.admin() && !u.name().equals("admin")) {
                assertThat(users.changeRole(u.name(), "VIEWER").block(REDIS)).isEqualTo(UserChange.DONE);
            }
        }
        String refused = mvc.perform(post("/users/admin/role").with(admin()).with(csrf()).param("role", "viewer"))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("last admin");
        assertThat(users.delete("admin").block(REDIS)).isEqualTo(UserChange.LAST_ADMIN);
        assertThat(users.find("admin").block(REDIS).admin()).isTrue();

        // two admins demoting each other: the second demotion would leave none, so it is refused
        add("deputy", "deputy-password-1", "admin");
        assertThat(users.changeRole("deputy", "VIEWER").block(REDIS)).isEqualTo(UserChange.DONE);
        assertThat(users.changeRole("admin", "VIEWER").block(REDIS)).isEqualTo(UserChange.LAST_ADMIN);
    }

    @Test
    void nobodyDeletesThemselves() throws Exception {
        add("selfish", "selfish-password-1", "admin");
        String refused = mvc.perform(post("/users/selfish/delete").with(user("selfish").roles("ADMIN")).with(csrf()))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("cannot delete yourself");
        assertThat(users.find("selfish").block(REDIS)).isNotNull();
    }

    @Test
    void aFormWithoutCsrfTokenIsRefused() throws Exception {
        mvc.perform(post("/users").with(admin()).param("username", "tokenless").param("password", "tokenless-pass-1")
                .param("role", "admin")).andExpect(status().isForbidden());
        assertThat(users.find("tokenless").block(REDIS)).isNull();
    }

    @Test
    void validationErrorsNameTheField() throws Exception {
        String page = mvc.perform(post("/users").with(admin()).with(csrf()).param("username", "bad name!")
                        .param("password", "short").param("role", "root"))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("data-field=\"username\"").contains("data-field=\"password\"")
                .contains("data-field=\"role\"").contains("at least 12 characters").contains("admin or viewer");
        String reset = mvc.perform(post("/users/admin/password").with(admin()).with(csrf()).param("password", "short"))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(reset).contains("data-field=\"password\"").contains("at least 12 characters (for admin)");
        add("twice", "twice-password-1", "viewer");
        String duplicate = mvc.perform(newUser("twice", "twice-password-1", "viewer").with(admin()))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
        assertThat(duplicate).contains("data-field=\"username\"").contains("exists already");
        mvc.perform(post("/users/nobody/role").with(admin()).with(csrf()).param("role", "admin"))
                .andExpect(status().isNotFound());
    }

    @Test
    void aDeletedUserCannotLogInAndTheirSessionEnds() throws Exception {
        MockHttpSession session = newAdminLoggedIn("leaver");
        mvc.perform(get("/users").session(session)).andExpect(status().isOk());

        mvc.perform(post("/users/leaver/delete").with(admin()).with(csrf())).andExpect(redirectedUrl("/users"));

        mvc.perform(get("/users").session(session)).andExpect(redirectedUrl("/login"));
        mvc.perform(newUser("revenge", "revenge-password-1", "admin").session(session))
                .andExpect(redirectedUrl("/login"));
        assertThat(users.find("revenge").block(REDIS)).isNull();
        mvc.perform(formLogin().user("leaver").password("leaver-password-1")).andExpect(redirectedUrl("/login?error"));
    }

    @Test
    void aDemotedAdminIsAViewerFromTheNextRequest() throws Exception {
        MockHttpSession session = newAdminLoggedIn("demoted");
        mvc.perform(newUser("before", "before-password-1", "viewer").session(session))
                .andExpect(redirectedUrl("/users"));

        mvc.perform(post("/users/demoted/role").with(admin()).with(csrf()).param("role", "viewer"))
                .andExpect(redirectedUrl("/users"));

        mvc.perform(newUser("after", "after-password-1", "viewer").session(session))
                .andExpect(status().isForbidden());
        assertThat(users.find("after").block(REDIS)).isNull();
        String page = mvc.perform(get("/users").session(session)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("viewer · read only").doesNotContain("id=\"add-user\"");
    }

    private void add(String name, String password, String role) throws Exception {
        mvc.perform(newUser(name, password, role).with(admin())).andExpect(redirectedUrl("/users"));
    }

    /** Adds an admin with the password {@code <name>-password-1} and logs in as them. */
    private MockHttpSession newAdminLoggedIn(String name) throws Exception {
        add(name, name + "-password-1", "admin");
        return logIn(name, name + "-password-1");
    }

    private static MockHttpServletRequestBuilder newUser(String name, String password, String role) {
        return post("/users").with(csrf()).param("username", name).param("password", password).param("role", role);
    }

    private MockHttpSession logIn(String name, String password) throws Exception {
        return (MockHttpSession) mvc.perform(formLogin().user(name).password(password)).andExpect(redirectedUrl("/"))
                .andReturn().getRequest().getSession(false);
    }

    private String raw(String name) {
        return redis.<String, String>getMap(keys.consoleUsers(), StringCodec.INSTANCE).get(name).block(REDIS);
    }

    private static RequestPostProcessor admin() {
        return user("admin").roles("ADMIN");
    }
}
