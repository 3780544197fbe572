package io.ezthrottle.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.ezthrottle.admin.AdminProperties;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** Console users from configuration: viewer entries, BCrypt hashing, and nothing secret in their string forms. */
class ConsoleAccountTests {

    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);

    @Test
    void aViewerEntryIsNameColonPasswordAndThePasswordMayContainColons() {
        ConsoleAccount a = ConsoleAccount.viewer("oncall:pa:ss");
        assertThat(a.name()).isEqualTo("oncall");
        assertThat(a.role()).isEqualTo(ConsoleRoles.VIEWER);
        String hash = a.hash(bcrypt);
        assertThat(hash).startsWith("$2a$").doesNotContain("pa:ss");
        assertThat(bcrypt.matches("pa:ss", hash)).isTrue();
        assertThat(a.toString()).doesNotContain("pa:ss");
    }

    @Test
    void aBcryptHashIsUsedAsItIs() {
        String hash = bcrypt.encode("secret");
        assertThat(ConsoleAccount.viewer("auditor:{bcrypt}" + hash).hash(bcrypt)).isEqualTo(hash);
    }

    @Test
    void malformedEntriesAreRefusedWithoutEchoingThem() {
        for (String bad : List.of("nopassword", ":secret", "name:")) {
            assertThatThrownBy(() -> ConsoleAccount.viewer(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void propertiesNeverPrintPasswords() {
        AdminProperties p = new AdminProperties("admin", "s3cret-admin", List.of("v:s3cret-viewer", " "), 0.8,
                new AdminProperties.Overview(java.time.Duration.ofSeconds(2), java.time.Duration.ofMinutes(15), 256,
                        java.time.Duration.ofSeconds(5)),
                new AdminProperties.Queues(java.time.Duration.ofSeconds(2), 200, 50),
                new AdminProperties.Secrets(java.time.Duration.ofHours(24), java.time.Duration.ofMinutes(1)));
        assertThat(p.viewers()).containsExactly("v:s3cret-viewer");
        assertThat(p.toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> new AdminProperties("admin", null, List.of(), 1.5, p.overview(), p.queues(), p.secrets()))
                .hasMessageContaining("near-cap-ratio");
    }
}
