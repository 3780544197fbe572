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

    /**
     * Writes in as few calls as possible: many fields in one HSET, many members in one ZADD. {@code unpack} is
     * bounded by Lua's C stack, so very long lists go in chunks.
     */
    private static final String BULK = """
            local function bulk(command, key, args)
              for i = 1, #args, 1000 do
                redis.call(command, key, unpack(args, i, math.min(i + 999, #args)))
              end
            end
            """;

    /**
     * Creates deliveries of one shard (each unless it exists), and schedules every webhook as already claimed by
     * the caller (score = now + lease) so the planning replica can attempt at once while a crash still hands them
     * to another replica when the lease ends. KEYS: the shard's schedule, then per plan its delivery hash and its
     * stream-mode hash ({@link StreamHandoff}). ARGV: lease ms, ttl ms, then per plan: job id, tenant, surface, body,
     * votes needed, voters, n, and url and vote (1/0) per webhook. Returns {now, then per plan: the count of its
     * webhooks scheduled}; a count of 0 means the delivery already existed (a result entry read twice), -1 that a
     * live stream carries the outcome and the result is held back, -2 that a stream already delivered it.
     *
     * <p>A fresh result has neither a delivery nor a stream-mode hash, so one EXISTS over both decides the common
     * case; the webhooks' schedule entries (all with the same score) go in one ZADD for the whole batch.
     */
    static final String PLAN = NOW + BULK + """
            local out = {tostring(now)}
            local leased = now + tonumber(ARGV[1])
            local scheduled = {}
            local a = 3
            for k = 2, #KEYS, 2 do
              local hash, streaming = KEYS[k], KEYS[k + 1]
              local job, tenant, surface, body = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
              local needed, voting, n = tonumber(ARGV[a + 4]), ARGV[a + 5], tonumber(ARGV[a + 6])
              local targets = a + 7
              a = targets + 2 * n
              local verdict
              if redis.call('EXISTS', hash, streaming) > 0 then
                if redis.call('EXISTS', hash) == 1 then
                  verdict = '0'
                else
                  local mode = redis.call('HGET', streaming, 'mode')
                  if mode == 'stream' then
                    redis.call('HSET', streaming, 'held', '1')
                    verdict = '-1'
                  elseif mode == 'streamed' then
                    verdict = '-2'
                  end
                end
              end
              if verdict then
                out[#out + 1] = verdict
              else
                local fields = {'tenant', tenant, 'job_id', job, 'surface', surface, 'body', body, 'n', n,
                  'needed', needed, 'voting', voting, 'votes', 0, 'dead_votes', 0,
                  'status', needed == 0 and 'delivered' or 'pending', 'created_at', now}
                for i = 0, n - 1 do
                  local p = 't' .. i .. '.'
                  local f = #fields
                  fields[f + 1] = p .. 'url'; fields[f + 2] = ARGV[targets + 2 * i]
                  fields[f + 3] = p .. 'vote'; fields[f + 4] = ARGV[targets + 2 * i + 1]
                  fields[f + 5] = p .. 'state'; fields[f + 6] = 'pending'
                  fields[f + 7] = p .. 'attempts'; fields[f + 8] = 0
                  fields[f + 9] = p .. 'first_at'; fields[f + 10] = now
                  fields[f + 11] = p .. 'next_at'; fields[f + 12] = now
                  scheduled[#scheduled + 1] = leased
                  scheduled[#scheduled + 1] = job .. '#' .. i
                end
                bulk('HSET', hash, fields)
                redis.call('PEXPIRE', hash, ARGV[2])
                out[#out + 1] = tostring(n)
              end
            end
            bulk('ZADD', KEYS[1], scheduled)
            return out
            """;

    /**
     * Claims up to ARGV[1] due attempts of a shard by pushing their score to now + lease (ARGV[2]): a visibility
     * timeout, so an attempt whose replica dies becomes due again. KEYS[1] is the schedule. Returns
     * {now, members...}.
     */
    static final String CLAIM = NOW + BULK + """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
            local leased = now + tonumber(ARGV[2])
            local out = {tostring(now)}
            local scheduled = {}
            for _, m in ipairs(due) do
              scheduled[#scheduled + 1] = leased
              scheduled[#scheduled + 1] = m
              out[#out + 1] = m
            end
            bulk('ZADD', KEYS[1], scheduled)
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
     *
     * <p>Each outcome reads what it needs of its delivery in one HMGET (the other webhooks' states in a second one,
     * only when there are others) and writes back in one HSET, which it does before the next outcome is read, so
     * outcomes of one delivery in one batch see each other. Schedule changes are gathered for the whole batch, the
     * last one per member winning, as applying them in order would.
     */
    static final String RECORD = NOW + BULK + """
            local members, scores = {}, {}
            local function schedule(member, score)
              if scores[member] == nil then members[#members + 1] = member end
              scores[member] = score
            end
            local function record(hash, job, idx, outcome, delay, code, err, dead_letter)
              local member = job .. '#' .. idx
              local p = 't' .. idx .. '.'
              local h = redis.call('HMGET', hash, 'n', 'status', 'needed', 'voting', 'votes', 'dead_votes',
                p .. 'state', p .. 'vote', p .. 'attempts', p .. 'counted')
              -- Every delivery has n (planned or replayed), so without it there is no delivery.
              if not h[1] then
                schedule(member, false)
                return 'gone', ''
              end
              local n, status = tonumber(h[1]), h[2]
              if h[7] ~= 'pending' then
                schedule(member, false)
                return 'stale', status
              end
              local vote = h[8] == '1'
              local w = {p .. 'attempts', (tonumber(h[9]) or 0) + 1, p .. 'last_status', code, p .. 'last_error', err,
                p .. 'last_at', now}
              local function put(field, value)
                w[#w + 1] = field
                w[#w + 1] = value
              end
              -- The other webhooks' states and votes, read once and only when needed.
              local peers
              local function others()
                if not peers then
                  peers = {}
                  local fields = {}
                  for j = 0, n - 1 do
                    if j ~= tonumber(idx) then
                      fields[#fields + 1] = 't' .. j .. '.state'
                      fields[#fields + 1] = 't' .. j .. '.vote'
                    end
                  end
                  if #fields > 0 then
                    local v = redis.call('HMGET', hash, unpack(fields))
                    for i = 1, #fields, 2 do
                      peers[#peers + 1] = {index = string.match(fields[i], '^t(%d+)'), state = v[i], vote = v[i + 1]}
                    end
                  end
                end
                return peers
              end
              local state = 'pending'
              if outcome == 'retry' then
                local at = now + tonumber(delay)
                put(p .. 'next_at', at)
                schedule(member, at)
              elseif outcome == 'delivered' then
                state = 'delivered'
                schedule(member, false)
                put(p .. 'state', state)
                put(p .. 'delivered_at', now)
                put(p .. 'next_at', 0)
                if vote and h[10] ~= '1' then
                  put(p .. 'counted', '1')
                  local votes = (tonumber(h[5]) or 0) + 1
                  put('votes', votes)
                  if status ~= 'delivered' and votes >= tonumber(h[3]) then
                    status = 'delivered'
                    put('status', status)
                    put('delivered_at', now)
                    -- Quorum met: the other voting webhooks are no longer needed; non-voting ones keep their retries.
                    for _, peer in ipairs(others()) do
                      if peer.vote == '1' and peer.state == 'pending' then
                        peer.state = 'cancelled'
                        local q = 't' .. peer.index .. '.'
                        put(q .. 'state', 'cancelled')
                        put(q .. 'next_at', 0)
                        schedule(job .. '#' .. peer.index, false)
                      end
                    end
                  end
                end
              else
                state = 'dead'
                schedule(member, false)
                put(p .. 'state', state)
                put(p .. 'dead_letter', dead_letter)
                put(p .. 'next_at', 0)
                if vote then
                  local dead = (tonumber(h[6]) or 0) + 1
                  put('dead_votes', dead)
                  if status == 'pending' and tonumber(h[4]) - dead < tonumber(h[3]) then
                    status = 'failed'
                    put('status', status)
                  end
                end
              end
              -- Lifetime: while some webhook has attempts ahead the delivery lives on; once none has, its body goes
              -- and it is kept only for status queries.
              local pending = state == 'pending'
              if not pending then
                for _, peer in ipairs(others()) do
                  if peer.state == 'pending' then
                    pending = true
                    break
                  end
                end
              end
              if pending then
                bulk('HSET', hash, w)
                redis.call('PEXPIRE', hash, ARGV[1])
              else
                put('finished_at', now)
                bulk('HSET', hash, w)
                redis.call('HDEL', hash, 'body')
                redis.call('PEXPIRE', hash, ARGV[2])
              end
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
            local removed, added = {}, {}
            for _, m in ipairs(members) do
              if scores[m] then
                added[#added + 1] = scores[m]
                added[#added + 1] = m
              else
                removed[#removed + 1] = m
              end
            end
            bulk('ZREM', KEYS[1], removed)
            bulk('ZADD', KEYS[1], added)
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
