-- The window limiter's operations: take, observe, drain. Runs after window-state.lua in the same script
-- (window-limiter.ts joins them), which defines op, now, W, early, late, FULL and the bucket helpers; the admit
-- op (window-admit.lua) runs between them.

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

  local function allowedAt(s, budget, j, need)
    return pacedAt(s, budget, j, need, a0, pace)
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
  for _, s in ipairs(buckets) do
    roll(s, now)
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
  -- Waitlist: a caller sent away takes the next slot of the queue of each bucket that refused it (nextSlot),
  -- behind every job admitted or sent away before it, instead of every caller retrying at the same boundary.
  -- A bucket with room keeps its queue: a tenant held back by its own workspace must not push back the other
  -- tenants of a shared (global) app bucket. Replies skip it (they must not queue behind sweeps).
  if waitlist then
    local refused = { not okApp, not okWs }
    for i, s in ipairs(buckets) do
      if refused[i] then
        at = math.max(at, nextSlot(s, budgets[i], cost, a0, pace))
        save(s)
      end
    end
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

local buckets = {}
for i, key in ipairs(KEYS) do
  if applies[i] then
    buckets[i] = load(key)
  end
end
-- Intercom's remaining is of its tighter budget, so what it tells us is how many calls it saw: the tighter
-- budget less the remaining. Those same calls are in both buckets; the looser budget less the remaining would
-- count calls nobody made, and its allowance would then pace the tenant below its real budget.
local seenBudget = FULL
if op == 'observe' then
  for i, s in pairs(buckets) do
    seenBudget = math.min(seenBudget, s.b or tonumber(ARGV[8 + i]))
  end
end

for i, key in ipairs(KEYS) do
  if applies[i] then
    local s = buckets[i]
    roll(s, now)
    if op == 'observe' then
      local remaining, resetAt = tonumber(ARGV[7]), tonumber(ARGV[8])
      -- Intercom's reset is the end of its current window: that fixes the phase of every boundary.
      rephase(s, resetAt % W)
      roll(s, now)
      local j = windowOf(s, resetAt - 1)
      -- Believe Intercom only when it says fewer remain than we think; never hand budget back.
      if j >= s.k - 1 and j <= s.k + 1 then
        setCount(s, j, math.max(count(s, j), seenBudget - remaining))
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
