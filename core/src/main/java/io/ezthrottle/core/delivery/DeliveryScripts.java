package io.ezthrottle.core.delivery;

/**
 * The Lua scripts behind {@link DeliveryStore}. Each one is a whole decision made atomically in Redis, on Redis
 * server time (so replicas with skewed clocks agree on what is due), touching only keys of one delivery shard:
 * the shard's schedule ({@code KEYS[1]}) and delivery hashes ({@code KEYS[2..]}), which share its hash tag.
 * Planning and recording take many deliveries of a shard at once, so a busy dispatcher pays one call per batch.
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

    /** Closes the books of one delivery when no webhook has attempts left: drop the body, shorten the lifetime. */
    private static final String LIFETIME = """
            local function lifetime(hash, active_ttl, finished_ttl, now)
              local n = tonumber(redis.call('HGET', hash, 'n'))
              for j = 0, n - 1 do
                if redis.call('HGET', hash, 't' .. j .. '.state') == 'pending' then
                  redis.call('PEXPIRE', hash, active_ttl)
                  return
                end
              end
              redis.call('HDEL', hash, 'body')
              redis.call('HSET', hash, 'finished_at', now)
              redis.call('PEXPIRE', hash, finished_ttl)
            end
            """;

    /**
     * Creates deliveries of one shard (each unless it exists), and schedules every webhook as already claimed by
     * the caller (score = now + lease) so the planning replica can attempt at once while a crash still hands them
     * to another replica when the lease ends. KEYS: the shard's schedule, then per plan its delivery hash and its
     * stream-mode hash ({@link StreamHandoff}). ARGV: lease ms, ttl ms, then per plan: job id, tenant, surface, body,
     * votes needed, voters, n, and url and vote (1/0) per webhook. Returns {now, then per plan: the count of its
     * members followed by them}; a count of 0 means the delivery already existed (a result entry read twice), -1
     * that a live stream carries the outcome and the result is held back, -2 that a stream already delivered it.
     */
    static final String PLAN = NOW + """
            local out = {tostring(now)}
            local leased = now + tonumber(ARGV[1])
            local a = 3
            for k = 2, #KEYS, 2 do
              local hash, streaming = KEYS[k], KEYS[k + 1]
              local job, tenant, surface, body = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
              local needed, voting, n = tonumber(ARGV[a + 4]), ARGV[a + 5], tonumber(ARGV[a + 6])
              local targets = a + 7
              a = targets + 2 * n
              local mode = redis.call('HGET', streaming, 'mode')
              if redis.call('EXISTS', hash) == 1 then
                out[#out + 1] = '0'
              elseif mode == 'stream' then
                redis.call('HSET', streaming, 'held', '1')
                out[#out + 1] = '-1'
              elseif mode == 'streamed' then
                out[#out + 1] = '-2'
              else
                redis.call('HSET', hash, 'tenant', tenant, 'job_id', job, 'surface', surface, 'body', body,
                  'n', n, 'needed', needed, 'voting', voting, 'votes', 0, 'dead_votes', 0,
                  'status', needed == 0 and 'delivered' or 'pending', 'created_at', now)
                out[#out + 1] = tostring(n)
                for i = 0, n - 1 do
                  local p = 't' .. i .. '.'
                  redis.call('HSET', hash, p .. 'url', ARGV[targets + 2 * i], p .. 'vote', ARGV[targets + 2 * i + 1],
                    p .. 'state', 'pending', p .. 'attempts', 0, p .. 'first_at', now, p .. 'next_at', now)
                  local member = job .. '#' .. i
                  redis.call('ZADD', KEYS[1], leased, member)
                  out[#out + 1] = member
                end
                redis.call('PEXPIRE', hash, ARGV[2])
              end
            end
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
     * Records the outcomes of attempts of one shard and decides their quorums. KEYS: the shard's schedule, then one
     * delivery hash per outcome. ARGV: active ttl ms, finished ttl ms, then per outcome: job id, index, outcome
     * ({@code delivered} / {@code retry} / {@code dead}), retry delay ms, HTTP status (0 = none), error, dead-letter
     * id. Returns {result, status} per outcome, where result is {@code ok}, {@code gone} (the delivery expired) or
     * {@code stale} (this webhook was already settled, e.g. cancelled by the quorum).
     */
    static final String RECORD = NOW + LIFETIME + """
            local function record(hash, job, idx, outcome, delay, code, err, dead_letter)
              local member = job .. '#' .. idx
              if redis.call('EXISTS', hash) == 0 then
                redis.call('ZREM', KEYS[1], member)
                return 'gone', ''
              end
              local p = 't' .. idx .. '.'
              local status = redis.call('HGET', hash, 'status')
              if redis.call('HGET', hash, p .. 'state') ~= 'pending' then
                redis.call('ZREM', KEYS[1], member)
                return 'stale', status
              end
              redis.call('HINCRBY', hash, p .. 'attempts', 1)
              redis.call('HSET', hash, p .. 'last_status', code, p .. 'last_error', err, p .. 'last_at', now)
              local vote = redis.call('HGET', hash, p .. 'vote') == '1'
              if outcome == 'retry' then
                local at = now + tonumber(delay)
                redis.call('HSET', hash, p .. 'next_at', at)
                redis.call('ZADD', KEYS[1], at, member)
              elseif outcome == 'delivered' then
                redis.call('ZREM', KEYS[1], member)
                redis.call('HSET', hash, p .. 'state', 'delivered', p .. 'delivered_at', now, p .. 'next_at', 0)
                if vote and redis.call('HGET', hash, p .. 'counted') ~= '1' then
                  redis.call('HSET', hash, p .. 'counted', '1')
                  local votes = redis.call('HINCRBY', hash, 'votes', 1)
                  if status ~= 'delivered' and votes >= tonumber(redis.call('HGET', hash, 'needed')) then
                    status = 'delivered'
                    redis.call('HSET', hash, 'status', status, 'delivered_at', now)
                    -- Quorum met: the other voting webhooks are no longer needed; non-voting ones keep their retries.
                    local n = tonumber(redis.call('HGET', hash, 'n'))
                    for j = 0, n - 1 do
                      local q = 't' .. j .. '.'
                      if redis.call('HGET', hash, q .. 'vote') == '1' and redis.call('HGET', hash, q .. 'state') == 'pending' then
                        redis.call('HSET', hash, q .. 'state', 'cancelled', q .. 'next_at', 0)
                        redis.call('ZREM', KEYS[1], job .. '#' .. j)
                      end
                    end
                  end
                end
              else
                redis.call('ZREM', KEYS[1], member)
                redis.call('HSET', hash, p .. 'state', 'dead', p .. 'dead_letter', dead_letter, p .. 'next_at', 0)
                if vote then
                  local dead = redis.call('HINCRBY', hash, 'dead_votes', 1)
                  local voting = tonumber(redis.call('HGET', hash, 'voting'))
                  local needed = tonumber(redis.call('HGET', hash, 'needed'))
                  if status == 'pending' and voting - dead < needed then
                    status = 'failed'
                    redis.call('HSET', hash, 'status', status)
                  end
                end
              end
              lifetime(hash, ARGV[1], ARGV[2], now)
              return 'ok', status
            end
            local out = {}
            for k = 2, #KEYS do
              local a = 3 + (k - 2) * 7
              local result, status = record(KEYS[k], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4],
                ARGV[a + 5], ARGV[a + 6])
              out[#out + 1] = result
              out[#out + 1] = status or ''
            end
            return out
            """;

    /**
     * Puts one dead-lettered webhook back on the schedule, due now, with a fresh attempt count and horizon. Recreates
     * the delivery from the dead letter when it has expired. KEYS: schedule, delivery hash. ARGV: job id, index, tenant, surface, body, url, vote,
     * dead-letter id, active ttl ms. Returns the delivery status.
     */
    static final String REPLAY = NOW + """
            local p = 't' .. ARGV[2] .. '.'
            local vote = ARGV[7] == '1'
            if redis.call('EXISTS', KEYS[2]) == 0 then
              redis.call('HSET', KEYS[2], 'tenant', ARGV[3], 'job_id', ARGV[1], 'surface', ARGV[4],
                'n', tonumber(ARGV[2]) + 1, 'needed', vote and 1 or 0, 'voting', vote and 1 or 0, 'votes', 0,
                'dead_votes', 0, 'status', vote and 'pending' or 'delivered', 'created_at', now)
            elseif redis.call('HGET', KEYS[2], p .. 'state') == 'dead' and vote then
              local dead = redis.call('HINCRBY', KEYS[2], 'dead_votes', -1)
              local voting = tonumber(redis.call('HGET', KEYS[2], 'voting'))
              local needed = tonumber(redis.call('HGET', KEYS[2], 'needed'))
              if redis.call('HGET', KEYS[2], 'status') == 'failed' and voting - dead >= needed then
                redis.call('HSET', KEYS[2], 'status', 'pending')
              end
            end
            if redis.call('HEXISTS', KEYS[2], 'body') == 0 then
              redis.call('HSET', KEYS[2], 'body', ARGV[5])
            end
            redis.call('HSET', KEYS[2], p .. 'url', ARGV[6], p .. 'vote', ARGV[7], p .. 'state', 'pending',
              p .. 'attempts', 0, p .. 'first_at', now, p .. 'next_at', now, p .. 'replay_of', ARGV[8],
              p .. 'dead_letter', '')
            redis.call('HDEL', KEYS[2], 'finished_at')
            redis.call('ZADD', KEYS[1], now, ARGV[1] .. '#' .. ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[9])
            return redis.call('HGET', KEYS[2], 'status')
            """;
}
