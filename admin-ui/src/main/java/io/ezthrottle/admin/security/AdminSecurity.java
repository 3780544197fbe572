package io.ezthrottle.admin.security;

import io.ezthrottle.admin.users.ConsoleUserStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Who may do what in the console.
 * <ul>
 *   <li>Form login against the users in Redis ({@link StoredUserDetails}, seeded by {@link ConfiguredUsers},
 *       managed on the Users page); passwords are BCrypt hashes; sessions end after
 *       {@code server.servlet.session.timeout}.</li>
 *   <li>Every request of a session uses its user's current role, read from Redis ({@link RoleRecheck}): a deleted
 *       or demoted admin keeps no power in a session opened before.</li>
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

    @Bean
    SecurityFilterChain adminFilterChain(HttpSecurity http, ConsoleUserStore users) throws Exception {
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
                .logout(l -> l.logoutSuccessUrl("/login?logout"))
                // after the session is read and before anything is authorised: decisions use the role of now
                .addFilterBefore(new RoleRecheck(users), AnonymousAuthenticationFilter.class);
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }
}
