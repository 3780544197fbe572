package io.ezthrottle.admin.security;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.ezthrottle.admin.users.ConsoleUser;
import io.ezthrottle.admin.users.ConsoleUserStore;
import io.ezthrottle.admin.web.Blocking;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A session remembers the role its user had at login; this filter makes every request use the role the user has
 * now. It reads the user from Redis (one {@code HGET}) on each request of a logged-in user: a deleted user's session
 * ends at its next request, a demoted admin is a viewer from the next request, on every replica, without sessions
 * being shared or replicas told. The role is not written back to the session: it is re-read anyway.
 * <p>
 * When Redis does not answer the request fails with 503 rather than falling back on the session's role, which could
 * let a deleted admin act; the console can show nothing without Redis anyway.
 */
final class RoleRecheck extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(RoleRecheck.class);
    private static final String ROLE_PREFIX = "ROLE_";

    private final ConsoleUserStore users;

    RoleRecheck(ConsoleUserStore users) {
        this.users = users;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // the console's own CSS and scripts hold nothing a former admin could use: save their Redis reads
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/css/") || path.startsWith("/js/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication current = SecurityContextHolder.getContext().getAuthentication();
        if (current == null || !current.isAuthenticated() || current instanceof AnonymousAuthenticationToken) {
            chain.doFilter(request, response);
            return;
        }
        ConsoleUser user;
        try {
            user = Blocking.get(users.find(current.getName()));
        } catch (RuntimeException e) {
            log.warn("cannot check console user {} in Redis: {}", current.getName(), e.toString());
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }
        if (user == null) {
            SecurityContextHolder.clearContext();
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
        } else if (!Objects.equals(roleOf(current), ROLE_PREFIX + user.role())) {
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(withRole(current, user.role()));
            SecurityContextHolder.setContext(context);
        }
        chain.doFilter(request, response);
    }

    private static String roleOf(Authentication authentication) {
        return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith(ROLE_PREFIX)).findFirst().orElse(null);
    }

    /** The same login with another role; other authorities (such as how the user authenticated) are kept. */
    private static Authentication withRole(Authentication authentication, String role) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        authentication.getAuthorities().stream().filter(a -> !a.getAuthority().startsWith(ROLE_PREFIX))
                .forEach(authorities::add);
        authorities.add(new SimpleGrantedAuthority(ROLE_PREFIX + role));
        UsernamePasswordAuthenticationToken changed =
                UsernamePasswordAuthenticationToken.authenticated(authentication.getPrincipal(), null, authorities);
        changed.setDetails(authentication.getDetails());
        return changed;
    }
}
