-- Fixed-window buckets for Intercom's 10-second windows, one hash per bucket (KEYS[1] = app, KEYS[2] = workspace).
-- Every operation on both buckets happens in this one script, so a take is all-or-nothing across them.
--
-- Bucket hash fields: ph = window phase (ms, learned from X-RateLimit-Reset), k = current window index,
-- p/u/n = calls counted against windows k-1/k/k+1, d = drained until (ms), b = last window budget used by take,
-- c = calls already told to come back in a later window (the waitlist), ck = window c was last aged in.
-- Window j covers [j*W + ph, (j+1)*W + ph) on the limiter clock.
--
-- Why counts for three windows: a call taken near a boundary may land on Intercom's side of it (latency, clock
-- skew, a reset header rounded to seconds). Calls taken in the first `early` ms of a window also count against
-- the previous window, calls in the last `late` ms also count against the next one, so no window Intercom
-- sees can receive more than its budget as long as the real offset stays inside [-early, +late].
--
-- ARGV: 1 op, 2 now ms (negative: use Redis TIME), 3 window ms, 4 default phase ms, 5 early ms, 6 late ms, then
--   take:    7 cost, 8 app budget, 9 workspace budget, 10 reserve fraction, 11 join the waitlist 0|1, 12 burst fraction,
--            13 pace fraction (share of the usable window over which the allowance grows)
--   observe: 7 remaining, 8 reset ms, 9 default app budget, 10 default workspace budget, 11 apply app, 12 apply ws
--   drain:   7 reset ms, 8 apply app, 9 apply ws
-- Returns take: {allowed 0|1, retryAfterMs, deniedBy 0 none|1 app|2 workspace|3 both}; observe/drain: {1}.

local op = ARGV[1]
local now = tonumber(ARGV[2])
if now < 0 then
  -- One clock for every process: the Redis server's.
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local W = tonumber(ARGV[3])
local defaultPhase = tonumber(ARGV[4])
local early = tonumber(ARGV[5])
local late = tonumber(ARGV[6])
-- A drained window counts as this full, whatever budget a later call brings.
local FULL = 1000000000

local function load(key)
  local v = redis.call('HMGET', key, 'ph', 'k', 'p', 'u', 'n', 'd', 'b', 'c', 'ck')
  return {
    key = key,
    ph = tonumber(v[1]) or defaultPhase,
    k = tonumber(v[2]),
    p = tonumber(v[3]) or 0,
    u = tonumber(v[4]) or 0,
    n = tonumber(v[5]) or 0,
    d = tonumber(v[6]) or 0,
    b = tonumber(v[7]),
    c = tonumber(v[8]) or 0,
    ck = tonumber(v[9]),
  }
end

local function save(s)
  redis.call('HSET', s.key, 'ph', s.ph, 'k', s.k, 'p', s.p, 'u', s.u, 'n', s.n, 'd', s.d, 'c', s.c, 'ck', s.ck or s.k)
  if s.b then
    redis.call('HSET', s.key, 'b', s.b)
  end
  -- Idle buckets disappear on their own; nothing older than k-1 or newer than the drain matters.
  redis.call('PEXPIRE', s.key, math.ceil(math.max(s.d - now, 0) + 3 * W))
end

local function windowOf(s, t)
  return math.floor((t - s.ph) / W)
end

local function startOf(s, j)
  return j * W + s.ph
end

local function count(s, j)
  local r = j - s.k
  if r == -1 then
    return s.p
  elseif r == 0 then
    return s.u
  elseif r == 1 then
    return s.n
  end
  return 0
end

local function setCount(s, j, c)
  local r = j - s.k
  if r == -1 then
    s.p = c
  elseif r == 0 then
    s.u = c
  elseif r == 1 then
    s.n = c
  end
end

-- Move the bucket to the window holding t. A clock that stepped back keeps counting in the newest window.
local function roll(s, t)
  local idx = windowOf(s, t)
  if s.k == nil then
    s.k, s.p, s.u, s.n = idx, 0, 0, 0
    return
  end
  local gap = idx - s.k
  if gap == 1 then
    s.p, s.u, s.n = s.u, s.n, 0
  elseif gap == 2 then
    s.p, s.u, s.n = s.n, 0, 0
  elseif gap > 2 then
    s.p, s.u, s.n = 0, 0, 0
  end
  if gap > 0 then
    s.k = idx
  end
end

-- A new phase shifts every boundary. Each new window overlaps at most two old ones; count both, so the
-- re-aligned bucket can only be stricter than the truth, never looser.
local function rephase(s, ph)
  if s.k == nil then
    s.ph = ph
    return
  end
  if ph == s.ph then
    return
  end
  local old = {}
  for r = -1, 1 do
    local j = s.k + r
    old[#old + 1] = { startOf(s, j), startOf(s, j + 1), count(s, j) }
  end
  s.ph = ph
  local k = math.max(windowOf(s, now), windowOf(s, old[2][1]))
  local c = {}
  for r = -1, 1 do
    local a, z = startOf(s, k + r), startOf(s, k + r + 1)
    local sum = 0
    for _, o in ipairs(old) do
      if math.max(a, o[1]) < math.min(z, o[2]) then
        sum = sum + o[3]
      end
    end
    c[r + 2] = sum
  end
  s.k, s.p, s.u, s.n = k, c[1], c[2], c[3]
end

-- Effective time for a bucket: never before its current window (see roll).
local function clampTime(s, t)
  return math.max(t, startOf(s, s.k))
end

if op == 'take' then
  local cost = tonumber(ARGV[7])
  local budgets = { tonumber(ARGV[8]), tonumber(ARGV[9]) }
  local reserveFrac = tonumber(ARGV[10])
  local burstFrac = tonumber(ARGV[12])
  local span = W - early - late

  -- Allowance: how much of window j this priority may have used by time t. At the window's start it is
  -- budget * a0 with a0 = (1 - reserve) * burst; it then grows linearly to the whole budget over a share of the
  -- usable window (`pace`, by default its first half). The reserve keeps room for higher priorities; the burst limit paces lower ones
  -- so a saturated tenant's calls (and the jobs waiting for them) are spread over seconds, not stacked on the
  -- boundary. Reaching the full budget before the window ends leaves time for a delayed job that comes back late.
  -- Replies come with reserve 0 and burst 1: the whole budget, at once.
  local pace = span * tonumber(ARGV[13])
  local a0 = (1 - reserveFrac) * burstFrac

  local function allowance(s, budget, j, t)
    local x = (t - startOf(s, j) - early) / pace
    if x > 1 then
      x = 1
    elseif x < 0 then
      x = 0
    end
    return budget * (a0 + (1 - a0) * x)
  end

  -- First instant of window j at which the allowance covers `need` calls (nil if it never does).
  local function allowedAt(s, budget, j, need)
    if need > budget then
      return nil
    end
    local st = startOf(s, j)
    if need <= budget * a0 then
      return st
    end
    return st + early + ((need / budget - a0) / (1 - a0)) * pace
  end

  local function fits(s, budget, t)
    if t < s.d then
      return false
    end
    local j = windowOf(s, t)
    -- The epsilon keeps float rounding in the allowance from contradicting earliest() below.
    if count(s, j) + cost > allowance(s, budget, j, t) + 1e-9 then
      return false
    end
    if t < startOf(s, j) + early and count(s, j - 1) + cost > budget then
      return false
    end
    if t >= startOf(s, j + 1) - late and count(s, j + 1) + cost > budget then
      return false
    end
    return true
  end

  -- Earliest t >= from at which this bucket alone would accept the call, assuming nobody else takes.
  local function earliest(s, budget, from)
    local t0 = math.max(clampTime(s, from), s.d)
    local j0 = windowOf(s, t0)
    for j = j0, j0 + 2 do
      local st, en = startOf(s, j), startOf(s, j + 1)
      local tr = allowedAt(s, budget, j, count(s, j) + cost)
      if tr then
        local segments = {
          { st, st + early, count(s, j - 1) + cost <= budget },
          { st + early, en - late, true },
          { en - late, en, count(s, j + 1) + cost <= budget },
        }
        for _, g in ipairs(segments) do
          if g[3] then
            local t = math.ceil(math.max(g[1], t0, tr))
            if t < g[2] then
              return t
            end
          end
        end
      end
    end
    return nil
  end

  local function charge(s, t)
    local j = windowOf(s, t)
    setCount(s, j, count(s, j) + cost)
    if t < startOf(s, j) + early then
      setCount(s, j - 1, count(s, j - 1) + cost)
    end
    if t >= startOf(s, j + 1) - late then
      setCount(s, j + 1, count(s, j + 1) + cost)
    end
  end

  local waitlist = ARGV[11] == '1'
  local buckets = { load(KEYS[1]), load(KEYS[2]) }
  for i, s in ipairs(buckets) do
    roll(s, now)
    -- Each window that opened served up to a budget's worth of the callers we had sent to wait for it.
    s.c = math.max(0, s.c - (s.k - (s.ck or s.k)) * budgets[i])
    s.ck = s.k
  end
  local okApp = fits(buckets[1], budgets[1], clampTime(buckets[1], now))
  local okWs = fits(buckets[2], budgets[2], clampTime(buckets[2], now))
  if okApp and okWs then
    for i, s in ipairs(buckets) do
      charge(s, clampTime(s, now))
      s.b = budgets[i]
      save(s)
    end
    return { 1, 0, 0 }
  end

  -- Both buckets must accept at the same instant; alternate until their earliest times agree.
  local t = now
  local at = nil
  for _ = 1, 8 do
    local ta = earliest(buckets[1], budgets[1], t)
    local tw = earliest(buckets[2], budgets[2], t)
    if ta == nil or tw == nil then
      break
    end
    local c = math.max(ta, tw)
    if fits(buckets[1], budgets[1], clampTime(buckets[1], c)) and fits(buckets[2], budgets[2], clampTime(buckets[2], c)) then
      at = c
      break
    end
    t = c + 1
  end
  local deniedBy = (okApp and 0 or 1) + (okWs and 0 or 2)
  if at == nil then
    return { 0, 3 * W, deniedBy }
  end
  -- Waitlist: when a bucket is out for this window, the n-th caller sent away is told to come back in window
  -- floor(n / budget) after the first that can serve it, at the instant its place in that window's allowance
  -- opens, instead of every caller retrying at the same boundary. A backlog of ten windows then costs one retry
  -- per call, not ten. It is advice, not a reservation: a caller that comes back and loses simply queues again.
  -- Replies skip it (they must not queue behind sweeps).
  if waitlist then
    local back = at
    for i, s in ipairs(buckets) do
      if windowOf(s, at) > s.k then
        local b = budgets[i]
        local place = s.c % b
        local j = windowOf(s, at) + math.floor(s.c / b)
        s.c = s.c + cost
        back = math.max(back, math.max(allowedAt(s, b, j, place + cost) or startOf(s, j), startOf(s, j) + early))
        save(s)
      end
    end
    at = back
  end
  return { 0, math.max(1, math.ceil(at - now)), deniedBy }
end

local applies = {}
if op == 'observe' then
  applies = { ARGV[11] == '1', ARGV[12] == '1' }
elseif op == 'drain' then
  applies = { ARGV[8] == '1', ARGV[9] == '1' }
else
  return redis.error_reply('unknown limiter op ' .. tostring(op))
end

for i, key in ipairs(KEYS) do
  if applies[i] then
    local s = load(key)
    roll(s, now)
    if op == 'observe' then
      local remaining, resetAt = tonumber(ARGV[7]), tonumber(ARGV[8])
      -- Intercom's reset is the end of its current window: that fixes the phase of every boundary.
      rephase(s, resetAt % W)
      roll(s, now)
      local budget = s.b or tonumber(ARGV[8 + i])
      local j = windowOf(s, resetAt - 1)
      -- Believe Intercom only when it says fewer remain than we think; never hand budget back.
      if j >= s.k - 1 and j <= s.k + 1 then
        setCount(s, j, math.max(count(s, j), budget - remaining))
      end
    else
      local resetAt = tonumber(ARGV[7])
      s.d = math.max(s.d, resetAt)
      -- The windows Intercom declared spent end at the boundary nearest the reset: a retry-after that was
      -- rounded or padded past a boundary must not also condemn the whole next window (d covers the padding).
      local j = windowOf(s, resetAt + W / 2) - 1
      for jj = s.k - 1, math.min(j, s.k + 1) do
        setCount(s, jj, math.max(count(s, jj), FULL))
      end
    end
    save(s)
  end
end
return { 1 }
