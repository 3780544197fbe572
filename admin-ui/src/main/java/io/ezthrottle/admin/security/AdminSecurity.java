package io.ezthrottle.admin.security;

import java.util.UUID;

import io.ezthrottle.admin.AdminProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/** Form login for everything but health probes; CSRF on (Spring Security's default). */
@Configuration
public class AdminSecurity {

    private static final Logger log = LoggerFactory.getLogger(AdminSecurity.class);

    @Bean
    SecurityFilterChain adminFilterChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health/**", "/actuator/health", "/login", "/css/**").permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .logout(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    UserDetailsService adminUsers(AdminProperties properties, PasswordEncoder encoder) {
        String user = properties.user() == null || properties.user().isBlank() ? "admin" : properties.user();
        String password = properties.password();
        if (password == null || password.isBlank()) {
            password = UUID.randomUUID().toString();
            log.warn("EZTHROTTLE_ADMIN_PASSWORD is not set; generated admin password for user '{}': {}", user, password);
        }
        return new InMemoryUserDetailsManager(User.withUsername(user).password(encoder.encode(password)).roles("ADMIN").build());
    }
}
