package io.ezthrottle.admin.security;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.ezthrottle.admin.AdminProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may do what in the console.
 * <ul>
 *   <li>Form login; passwords are BCrypt hashes; sessions end after {@code server.servlet.session.timeout}.</li>
 *   <li>CSRF protection on (Spring Security's default): every POST needs the session's token, which every form of
 *       the console carries; a request without it gets 403.</li>
 *   <li>Reads (GET, HEAD) need any logged-in user; everything else needs {@link ConsoleRoles#ADMIN}, except logging
 *       out. The rule is by method rather than per page, so a viewer can never reach a write that someone forgot
 *       to protect.</li>
 *   <li>Health probes and the Prometheus scrape are open: the kubelet and the scraper have no session, and
 *       neither endpoint shows tenant data.</li>
 * </ul>
 */
@Configuration
public class AdminSecurity {

    private static final Logger log = LoggerFactory.getLogger(AdminSecurity.class);

    @Bean
    SecurityFilterChain adminFilterChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus").permitAll()
                        .requestMatchers("/login", "/css/**", "/js/**", "/favicon.ico", "/error").permitAll()
                        .requestMatchers(HttpMethod.POST, "/logout").authenticated()
                        .requestMatchers(HttpMethod.GET, "/**").authenticated()
                        .requestMatchers(HttpMethod.HEAD, "/**").authenticated()
                        .anyRequest().hasRole(ConsoleRoles.ADMIN))
                .formLogin(f -> f.loginPage("/login").defaultSuccessUrl("/", false).permitAll())
                // An expired session simply means logging in again; no "invalid session" redirect, because that would
                // also turn a POST without CSRF token into a redirect instead of the 403 it must be.
                .logout(l -> l.logoutSuccessUrl("/login?logout"));
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    UserDetailsService consoleUsers(AdminProperties properties, PasswordEncoder encoder) {
        List<ConsoleAccount> accounts = new ArrayList<>();
        String admin = properties.user() == null || properties.user().isBlank() ? "admin" : properties.user().trim();
        String password = properties.password();
        if (password == null || password.isBlank()) {
            password = ConsoleAccount.generatedPassword();
            // Printed once on purpose (documented): without it nobody could log in to a fresh install.
            log.warn("EZTHROTTLE_ADMIN_PASSWORD is not set; generated admin password for user '{}': {}", admin, password);
        }
        accounts.add(new ConsoleAccount(admin, password, ConsoleRoles.ADMIN));
        properties.viewers().stream().map(ConsoleAccount::viewer).forEach(accounts::add);
        Set<String> names = new HashSet<>();
        List<UserDetails> users = new ArrayList<>();
        for (ConsoleAccount account : accounts) {
            if (!names.add(account.name())) {
                throw new IllegalArgumentException("console user '" + account.name() + "' is configured twice");
            }
            users.add(account.toUser(encoder));
        }
        log.info("console users: 1 admin, {} viewer(s)", accounts.size() - 1);
        return new InMemoryUserDetailsManager(users);
    }
}
