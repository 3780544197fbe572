package io.ezthrottle.admin.users;

import java.util.Comparator;
import java.util.List;

import io.ezthrottle.admin.security.ConsoleRoles;
import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RMapReactive;
import org.redisson.api.RScript;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The console's users in Redis ({@link RedisKeys#consoleUsers()}), shared by every console replica: a user added,
 * changed or deleted on one is seen by all from their next request. Changes that could remove the last
 * administrator (a delete, a demotion) are one script that counts the admins and changes the user together, so two
 * operators demoting each other at the same moment on two replicas cannot both succeed.
 */
@Component
public class ConsoleUserStore {

    /**
     * Head of every script: the user's entry split into {@code role} and {@code hash}, or the reply {@code missing}
     * when ARGV[1] is no user.
     */
    private static final String READ_USER = """
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            if not current then return 'missing' end
            local bar = string.find(current, '|', 1, true)
            local role = string.sub(current, 1, bar - 1)
            local hash = string.sub(current, bar + 1)
            """;

    /** {@code lastAdmin}: the user is an admin and no other user is. */
    private static final String LAST_ADMIN = READ_USER + """
            local admins = 0
            for _, v in ipairs(redis.call('HVALS', KEYS[1])) do
              if string.sub(v, 1, 6) == 'ADMIN|' then admins = admins + 1 end
            end
            local lastAdmin = role == 'ADMIN' and admins <= 1
            """;

    /** ARGV[1] the user. */
    private static final String DELETE = LAST_ADMIN + """
            if lastAdmin then return 'last-admin' end
            redis.call('HDEL', KEYS[1], ARGV[1])
            return 'done'
            """;

    /** ARGV[1] the user, ARGV[2] the new role; the password hash is kept. */
    private static final String CHANGE_ROLE = LAST_ADMIN + """
            if lastAdmin and ARGV[2] ~= 'ADMIN' then return 'last-admin' end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. hash)
            return 'done'
            """;

    /** ARGV[1] the user, ARGV[2] the new hash; the role is kept (a concurrent role change is not undone). */
    private static final String RESET_PASSWORD = READ_USER + """
            redis.call('HSET', KEYS[1], ARGV[1], role .. '|' .. ARGV[2])
            return 'done'
            """;

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;

    public ConsoleUserStore(RedissonReactiveClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The user, or empty when there is none of that name. */
    public Mono<ConsoleUser> find(String name) {
        return users().get(name).map(value -> ConsoleUser.fromStored(name, value));
    }

    /** Every user, by name. */
    public Flux<ConsoleUser> list() {
        return users().readAllMap()
                .flatMapIterable(all -> all.entrySet().stream()
                        .map(e -> ConsoleUser.fromStored(e.getKey(), e.getValue()))
                        .sorted(Comparator.comparing(ConsoleUser::name))
                        .toList());
    }

    /** Adds the user unless one of that name exists; emits whether it was added. */
    public Mono<Boolean> add(ConsoleUser user) {
        return users().fastPutIfAbsent(user.name(), user.stored());
    }

    public Mono<UserChange> delete(String name) {
        return run(DELETE, name);
    }

    public Mono<UserChange> changeRole(String name, String role) {
        // checked here too: the script would store whatever it is given
        return run(CHANGE_ROLE, name, ConsoleUser.checkedRole(role));
    }

    public Mono<UserChange> resetPassword(String name, String passwordHash) {
        return run(RESET_PASSWORD, name, passwordHash);
    }

    /** Roles a user may have, as the console's forms name them. */
    public static List<String> roles() {
        return List.of(ConsoleRoles.VIEWER, ConsoleRoles.ADMIN);
    }

    private Mono<UserChange> run(String script, String... args) {
        return redis.getScript(StringCodec.INSTANCE)
                .<String>eval(RScript.Mode.READ_WRITE, script, RScript.ReturnType.VALUE,
                        List.of(keys.consoleUsers()), (Object[]) args)
                .map(UserChange::fromScript);
    }

    private RMapReactive<String, String> users() {
        return redis.getMap(keys.consoleUsers(), StringCodec.INSTANCE);
    }
}
