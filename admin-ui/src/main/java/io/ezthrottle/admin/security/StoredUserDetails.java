package io.ezthrottle.admin.security;

import io.ezthrottle.admin.users.ConsoleUser;
import io.ezthrottle.admin.users.ConsoleUserStore;
import io.ezthrottle.admin.web.Blocking;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/**
 * Login looks the user up in Redis, so every console replica knows the same users with no other coordination. The
 * user's BCrypt hash is checked by Spring Security's {@code DaoAuthenticationProvider} with the console's
 * {@link org.springframework.security.crypto.password.PasswordEncoder}.
 */
@Component
class StoredUserDetails implements UserDetailsService {

    private final ConsoleUserStore users;

    StoredUserDetails(ConsoleUserStore users) {
        this.users = users;
    }

    @Override
    public UserDetails loadUserByUsername(String name) {
        ConsoleUser user = Blocking.get(users.find(name));
        if (user == null) {
            throw new UsernameNotFoundException("no console user of that name");
        }
        return User.withUsername(user.name()).password(user.passwordHash()).roles(user.role()).build();
    }
}
