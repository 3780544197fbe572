package io.ezthrottle.core.delivery;

/**
 * The Lua scripts behind {@link DeliveryStore}. Each one is a whole decision made atomically in Redis, on Redis
 * server time (so replicas with skewed clocks agree on what is due), touching only keys of one delivery shard:
 * the delivery hash ({@code KEYS[1]}) and the shard's schedule ({@code KEYS[2]}).
 *
 * <p>Hash layout: {@code tenant job_id surface body n needed voting votes dead_votes status created_at
 * finished_at}, and per webhook {@code t<i>.url .vote .state .attempts .first_at .next_at .last_status
 * .last_error .delivered_at .dead_letter .counted}.
 */
final class DeliveryScripts {

    private DeliveryScripts() {
    }

    /** Redis time in epoch ms; scripts run with effects replication (Redis ≥ 5), so TIME before writes is safe. */
    private static final String NOW = """
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            """;

    /** Closes the books when no webhook has attempts left: drop the body, shorten the lifetime. */
    private static final String LIFETIME = """
            local function lifetime(active_ttl, finished_ttl, now)
              local n = tonumber(redis.call('HGET', KEYS[1], 'n'))
              for j = 0, n - 1 do
                if redis.call('HGET', KEYS[1], 't' .. j .. '.state') == 'pending' then
                  redis.call('PEXPIRE', KEYS[1], active_ttl)
                  return
                end
              end
              redis.call('HDEL', KEYS[1], 'body')
              redis.call('HSET', KEYS[1], 'finished_at', now)
              redis.call('PEXPIRE', KEYS[1], finished_ttl)
            end
            """;

    /**
     * Creates a delivery unless it exists, and schedules every webhook as already claimed by the caller (score =
     * now + lease) so the planning replica can attempt at once while a crash still hands them to another replica
     * when the lease ends. ARGV: job id, lease ms, ttl ms, tenant, surface, body, votes needed, voters, n, then
     * url and vote (1/0) per webhook. Returns {now, members...}, or {} when the delivery already existed.
     */
    static final String PLAN = NOW + """
            if redis.call('EXISTS', KEYS[1]) == 1 then return {} end
            local needed = tonumber(ARGV[7])
            local n = tonumber(ARGV[9])
            redis.call('HSET', KEYS[1], 'tenant', ARGV[4], 'job_id', ARGV[1], 'surface', ARGV[5], 'body', ARGV[6],
              'n', n, 'needed', needed, 'voting', ARGV[8], 'votes', 0, 'dead_votes', 0,
              'status', needed == 0 and 'delivered' or 'pending', 'created_at', now)
            local out = {tostring(now)}
            local leased = now + tonumber(ARGV[2])
            for i = 0, n - 1 do
              local p = 't' .. i .. '.'
              redis.call('HSET', KEYS[1], p .. 'url', ARGV[10 + 2 * i], p .. 'vote', ARGV[11 + 2 * i],
                p .. 'state', 'pending', p .. 'attempts', 0, p .. 'first_at', now, p .. 'next_at', now)
              local member = ARGV[1] .. '#' .. i
              redis.call('ZADD', KEYS[2], leased, member)
              out[#out + 1] = member
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return out
            """;

    /**
     * Claims up to ARGV[1] due attempts of a shard by pushing their score to now + lease (ARGV[2]): a visibility
     * timeout, so an attempt whose replica dies becomes due again. KEYS[1] is the schedule. Returns
     * {now, members...}.
     */
    static final String CLAIM = NOW + """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
            local leased = now + tonumber(ARGV[2])
            local out = {tostring(now)}
            for _, m in ipairs(due) do
              redis.call('ZADD', KEYS[1], leased, m)
              out[#out + 1] = m
            end
            return out
            """;

    /**
     * Moves claimed attempts to a later time without counting an attempt (the receiver's pace said wait). Only
     * members still scheduled are moved (XX), so a delivery finished meanwhile is not resurrected. KEYS[1] is the
     * schedule; ARGV: delay ms and member, repeated.
     */
    static final String DEFER = NOW + """
            for i = 1, #ARGV, 2 do
              redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[i]), ARGV[i + 1])
            end
            return #ARGV / 2
            """;

    /**
     * Records the outcome of one attempt and decides the quorum. ARGV: job id, index, outcome
     * ({@code delivered} / {@code retry} / {@code dead}), retry delay ms, HTTP status (0 = none), error, dead-letter
     * id, active ttl ms, finished ttl ms. Returns {result, status} where result is {@code ok}, {@code gone} (the
     * delivery expired) or {@code stale} (this webhook was already settled, e.g. cancelled by the quorum).
     */
    static final String RECORD = NOW + LIFETIME + """
            local member = ARGV[1] .. '#' .. ARGV[2]
            if redis.call('EXISTS', KEYS[1]) == 0 then
              redis.call('ZREM', KEYS[2], member)
              return {'gone', ''}
            end
            local p = 't' .. ARGV[2] .. '.'
            local status = redis.call('HGET', KEYS[1], 'status')
            if redis.call('HGET', KEYS[1], p .. 'state') ~= 'pending' then
              redis.call('ZREM', KEYS[2], member)
              return {'stale', status}
            end
            redis.call('HINCRBY', KEYS[1], p .. 'attempts', 1)
            redis.call('HSET', KEYS[1], p .. 'last_status', ARGV[5], p .. 'last_error', ARGV[6], p .. 'last_at', now)
            local vote = redis.call('HGET', KEYS[1], p .. 'vote') == '1'
            if ARGV[3] == 'retry' then
              local at = now + tonumber(ARGV[4])
              redis.call('HSET', KEYS[1], p .. 'next_at', at)
              redis.call('ZADD', KEYS[2], at, member)
            elseif ARGV[3] == 'delivered' then
              redis.call('ZREM', KEYS[2], member)
              redis.call('HSET', KEYS[1], p .. 'state', 'delivered', p .. 'delivered_at', now, p .. 'next_at', 0)
              if vote and redis.call('HGET', KEYS[1], p .. 'counted') ~= '1' then
                redis.call('HSET', KEYS[1], p .. 'counted', '1')
                local votes = redis.call('HINCRBY', KEYS[1], 'votes', 1)
                if status ~= 'delivered' and votes >= tonumber(redis.call('HGET', KEYS[1], 'needed')) then
                  status = 'delivered'
                  redis.call('HSET', KEYS[1], 'status', status, 'delivered_at', now)
                  -- Quorum met: the other voting webhooks are no longer needed; non-voting ones keep their retries.
                  local n = tonumber(redis.call('HGET', KEYS[1], 'n'))
                  for j = 0, n - 1 do
                    local q = 't' .. j .. '.'
                    if redis.call('HGET', KEYS[1], q .. 'vote') == '1' and redis.call('HGET', KEYS[1], q .. 'state') == 'pending' then
                      redis.call('HSET', KEYS[1], q .. 'state', 'cancelled', q .. 'next_at', 0)
                      redis.call('ZREM', KEYS[2], ARGV[1] .. '#' .. j)
                    end
                  end
                end
              end
            else
              redis.call('ZREM', KEYS[2], member)
              redis.call('HSET', KEYS[1], p .. 'state', 'dead', p .. 'dead_letter', ARGV[7], p .. 'next_at', 0)
              if vote then
                local dead = redis.call('HINCRBY', KEYS[1], 'dead_votes', 1)
                local voting = tonumber(redis.call('HGET', KEYS[1], 'voting'))
                local needed = tonumber(redis.call('HGET', KEYS[1], 'needed'))
                if status == 'pending' and voting - dead < needed then
                  status = 'failed'
                  redis.call('HSET', KEYS[1], 'status', status)
                end
              end
            end
            lifetime(ARGV[8], ARGV[9], now)
            return {'ok', status}
            """;

    /**
     * Puts one dead-lettered webhook back on the schedule, due now, with a fresh attempt count and horizon. Recreates
     * the delivery from the dead letter when it has expired. ARGV: job id, index, tenant, surface, body, url, vote,
     * dead-letter id, active ttl ms. Returns the delivery status.
     */
    static final String REPLAY = NOW + """
            local p = 't' .. ARGV[2] .. '.'
            local vote = ARGV[7] == '1'
            if redis.call('EXISTS', KEYS[1]) == 0 then
              redis.call('HSET', KEYS[1], 'tenant', ARGV[3], 'job_id', ARGV[1], 'surface', ARGV[4],
                'n', tonumber(ARGV[2]) + 1, 'needed', vote and 1 or 0, 'voting', vote and 1 or 0, 'votes', 0,
                'dead_votes', 0, 'status', vote and 'pending' or 'delivered', 'created_at', now)
            elseif redis.call('HGET', KEYS[1], p .. 'state') == 'dead' and vote then
              local dead = redis.call('HINCRBY', KEYS[1], 'dead_votes', -1)
              local voting = tonumber(redis.call('HGET', KEYS[1], 'voting'))
              local needed = tonumber(redis.call('HGET', KEYS[1], 'needed'))
              if redis.call('HGET', KEYS[1], 'status') == 'failed' and voting - dead >= needed then
                redis.call('HSET', KEYS[1], 'status', 'pending')
              end
            end
            if redis.call('HEXISTS', KEYS[1], 'body') == 0 then
              redis.call('HSET', KEYS[1], 'body', ARGV[5])
            end
            redis.call('HSET', KEYS[1], p .. 'url', ARGV[6], p .. 'vote', ARGV[7], p .. 'state', 'pending',
              p .. 'attempts', 0, p .. 'first_at', now, p .. 'next_at', now, p .. 'replay_of', ARGV[8],
              p .. 'dead_letter', '')
            redis.call('HDEL', KEYS[1], 'finished_at')
            redis.call('ZADD', KEYS[2], now, ARGV[1] .. '#' .. ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[9])
            return redis.call('HGET', KEYS[1], 'status')
            """;
}
