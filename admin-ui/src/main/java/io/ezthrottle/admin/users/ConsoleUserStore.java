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
     * Shared head of the scripts: the user's current entry ({@code current}, its {@code hash}, {@code wasAdmin}) and
     * how many admins there are ({@code admins}), or {@code missing} when ARGV[1] is no user.
     */
    private static final String COUNT_ADMINS = """
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            if not current then return 'missing' end
            local admins = 0
            for _, v in ipairs(redis.call('HVALS', KEYS[1])) do
              if string.sub(v, 1, 6) == 'ADMIN|' then admins = admins + 1 end
            end
            local wasAdmin = string.sub(current, 1, 6) == 'ADMIN|'
            local hash = string.sub(current, string.find(current, '|', 1, true) + 1)
            """;

    /** ARGV[1] the user. */
    private static final String DELETE = COUNT_ADMINS + """
            if wasAdmin and admins <= 1 then return 'last-admin' end
            redis.call('HDEL', KEYS[1], ARGV[1])
            return 'done'
            """;

    /** ARGV[1] the user, ARGV[2] the new role; the password hash is kept. */
    private static final String CHANGE_ROLE = COUNT_ADMINS + """
            if wasAdmin and ARGV[2] ~= 'ADMIN' and admins <= 1 then return 'last-admin' end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. hash)
            return 'done'
            """;

    /** ARGV[1] the user, ARGV[2] the new hash; the role is kept (a concurrent role change is not undone). */
    private static final String RESET_PASSWORD = COUNT_ADMINS + """
            local role = string.sub(current, 1, string.find(current, '|', 1, true) - 1)
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
