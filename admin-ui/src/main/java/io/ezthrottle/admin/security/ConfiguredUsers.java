package io.ezthrottle.admin.security;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.ezthrottle.admin.AdminProperties;
import io.ezthrottle.admin.users.ConsoleUser;
import io.ezthrottle.admin.users.ConsoleUserStore;
import io.ezthrottle.admin.web.Blocking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Puts the users of the configuration ({@code EZTHROTTLE_ADMIN_USER} / {@code EZTHROTTLE_ADMIN_PASSWORD}, the first
 * admin, and {@code EZTHROTTLE_ADMIN_VIEWERS}) into Redis at start, each only if no user of that name is there yet.
 * From then on the console manages them like any other user: a password reset or role change made in the console
 * survives restarts. A configured user deleted in the console comes back at the next start, so a fresh install and
 * a lost password always have a way in (delete the user's field in Redis, restart).
 * <p>
 * Every replica does this at start; the writes are put-if-absent, so replicas starting together agree on one value.
 */
@Component
class ConfiguredUsers implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(ConfiguredUsers.class);

    private final AdminProperties properties;
    private final ConsoleUserStore users;
    private final PasswordEncoder bcrypt;

    ConfiguredUsers(AdminProperties properties, ConsoleUserStore users, PasswordEncoder bcrypt) {
        this.properties = properties;
        this.users = users;
        this.bcrypt = bcrypt;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String admin = properties.user() == null || properties.user().isBlank() ? "admin" : properties.user().trim();
        boolean generated = properties.password() == null || properties.password().isBlank();
        String password = generated ? ConsoleAccount.generatedPassword() : properties.password();
        List<ConsoleAccount> accounts = new ArrayList<>();
        accounts.add(new ConsoleAccount(admin, password, ConsoleRoles.ADMIN));
        properties.viewers().stream().map(ConsoleAccount::viewer).forEach(accounts::add);
        Set<String> names = new HashSet<>();
        for (ConsoleAccount account : accounts) {
            if (!names.add(account.name())) {
                throw new IllegalArgumentException("console user '" + account.name() + "' is configured twice");
            }
        }
        int added = 0;
        for (ConsoleAccount account : accounts) {
            boolean stored = Boolean.TRUE.equals(Blocking.get(users.add(
                    new ConsoleUser(account.name(), account.role(), account.hash(bcrypt)))));
            added += stored ? 1 : 0;
            if (stored && generated && account.name().equals(admin)) {
                // Printed once on purpose (documented): without it nobody could log in to a fresh install.
                log.warn("EZTHROTTLE_ADMIN_PASSWORD is not set; generated admin password for user '{}': {}", admin, password);
            }
        }
        log.info("console users: {} configured, {} of them new in Redis; the others were kept as the console left them",
                accounts.size(), added);
    }
}
