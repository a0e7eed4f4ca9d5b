-- Window state for window-limiter.lua. window-limiter.ts sends this file and window-limiter.lua to Redis as
-- one script (state first), so every operation still runs atomically; the split only keeps each file readable.
--
-- Fixed-window buckets for Intercom's 10-second windows, one hash per bucket (KEYS[1] = app, KEYS[2] = workspace).
-- Every operation on both buckets happens in this one script, so a take is all-or-nothing across them.
--
-- Bucket hash fields: ph = window phase (ms, learned from X-RateLimit-Reset), k = current window index,
-- p/u/n = calls counted against windows k-1/k/k+1, d = drained until (ms), b = last window budget used by take,
-- qw/qi = the queue's tail: the first slot (window qw, place qi) no admitted or waitlisted caller holds yet.
-- Window j covers [j*W + ph, (j+1)*W + ph) on the limiter clock.
--
-- Why counts for three windows: a call taken near a boundary may land on Intercom's side of it (latency, clock
-- skew, a reset header rounded to seconds). Calls taken in the first `early` ms of a window also count against
-- the previous window, calls in the last `late` ms also count against the next one, so no window Intercom
-- sees can receive more than its budget as long as the real offset stays inside [-early, +late].
--
-- ARGV: 1 op, 2 now ms (negative: use Redis TIME), 3 window ms, 4 default phase ms, 5 early ms, 6 late ms, then
--   take and admit:    7 cost, 8 app budget, 9 workspace budget, 10 reserve fraction, 11 join the waitlist 0|1, 12 burst fraction,
--            13 pace fraction (share of the usable window over which the allowance grows)
--   observe: 7 remaining, 8 reset ms, 9 default app budget, 10 default workspace budget, 11 apply app, 12 apply ws
--   drain:   7 reset ms, 8 apply app, 9 apply ws
-- Returns take and admit: {allowed 0|1, retryAfterMs, deniedBy 0 none|1 app|2 workspace|3 both}; observe/drain: {1}.

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
  local v = redis.call('HMGET', key, 'ph', 'k', 'p', 'u', 'n', 'd', 'b', 'qw', 'qi')
  return {
    key = key,
    ph = tonumber(v[1]) or defaultPhase,
    k = tonumber(v[2]),
    p = tonumber(v[3]) or 0,
    u = tonumber(v[4]) or 0,
    n = tonumber(v[5]) or 0,
    d = tonumber(v[6]) or 0,
    b = tonumber(v[7]),
    qw = tonumber(v[8]),
    qi = tonumber(v[9]) or 0,
  }
end

local function save(s)
  redis.call('HSET', s.key, 'ph', s.ph, 'k', s.k, 'p', s.p, 'u', s.u, 'n', s.n, 'd', s.d)
  if s.b then
    redis.call('HSET', s.key, 'b', s.b)
  end
  if s.qw then
    redis.call('HSET', s.key, 'qw', s.qw, 'qi', s.qi)
  end
  -- Idle buckets disappear on their own; nothing older than k-1 or newer than the drain or the last admitted
  -- job's window matters.
  local keep = math.max(s.d - now, 0)
  if s.qw then
    keep = math.max(keep, (s.qw + 1) * W + s.ph - now)
  end
  redis.call('PEXPIRE', s.key, math.ceil(keep + 3 * W))
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

-- First instant of window j at which a paced allowance covers `need` calls (nil if it never does): budget * a0
-- at the window's start, growing linearly to the whole budget over `pace` ms after the early edge.
local function pacedAt(s, budget, j, need, a0, pace)
  if need > budget then
    return nil
  end
  local st = startOf(s, j)
  if need <= budget * a0 then
    return st
  end
  return st + early + ((need / budget - a0) / (1 - a0)) * pace
end

-- The queue: every caller sent away (a job admitted for later, a take told to come back) holds one slot, a place
-- in a window, handed out in order, in each bucket that holds it back; it comes back when the paced allowance of
-- its window reaches its place. So a backlog of ten windows costs each caller one wait, not ten retries at each
-- boundary. Slots are a schedule, not a charge: the take at that instant still decides. Calls taken without a slot hold places too, so the tail never
-- lags what a window has already served. Returns the instant the slot opens and moves the tail past it.
local function nextSlot(s, budget, cost, a0, pace)
  local qw, qi = s.qw, s.qi
  if qw == nil or qw < s.k then
    qw, qi = s.k, 0
  end
  if s.d > startOf(s, qw + 1) then
    qw, qi = windowOf(s, s.d), 0
  end
  for _ = 1, 4 do
    if qw <= s.k + 1 then
      qi = math.max(qi, count(s, qw))
    end
    if qi + cost <= budget then
      break
    end
    qw, qi = qw + 1, 0
  end
  s.qw, s.qi = qw, qi + cost
  -- Never in the early edge, where a call also counts against the previous (full) window.
  return math.max(pacedAt(s, budget, qw, qi + cost, a0, pace), startOf(s, qw) + early, s.d)
end

-- Effective time for a bucket: never before its current window (see roll).
local function clampTime(s, t)
  return math.max(t, startOf(s, s.k))
end
