-- The admit op: when may a new job of this tenant start so that its first call finds budget? Runs after
-- window-state.lua and before window-limiter.lua in the same script (window-limiter.ts joins them).
--
-- The job gets the next slot of each bucket's queue (nextSlot in window-state.lua) and starts when both are
-- open, so jobs of a saturated tenant leave the queue one by one as budget opens instead of being taken, denied
-- and delayed (ARCHITECTURE: Fair scheduling). Nothing is charged: the job's calls take tokens when it runs.
-- ARGV as for take (7 cost, 8/9 budgets, 10 reserve, 12 burst, 13 pace).

if op == 'admit' then
  local cost = tonumber(ARGV[7])
  local budgets = { tonumber(ARGV[8]), tonumber(ARGV[9]) }
  -- The schedule has no burst: jobs placed for later are spread evenly over the paced part of their window, so
  -- they never all start at its first instant (a burst of every saturated tenant at once is what a quiet
  -- tenant's reply queues behind). A place in the window under way that a take would grant now (the burst
  -- allowance, with its reserve) starts now: a tenant with budget is not deferred for being early in a window.
  local a0 = (1 - tonumber(ARGV[10])) * tonumber(ARGV[12])
  local pace = (W - early - late) * tonumber(ARGV[13])

  local function openNow(s, budget)
    if s.qw ~= s.k or now < s.d then
      return false
    end
    local st, en = startOf(s, s.k), startOf(s, s.k + 1)
    if now < st + early and count(s, s.k - 1) + cost > budget then
      return false
    end
    if now >= en - late and count(s, s.k + 1) + cost > budget then
      return false
    end
    local t = pacedAt(s, budget, s.k, s.qi, a0, pace)
    return t ~= nil and t <= now
  end

  -- A job placed for later holds a place only in the buckets that hold it back: a tenant deferred by its own
  -- workspace must not push back the other tenants of a shared (global) app bucket. A job that starts now holds
  -- a place in both, as its calls will count there now.
  local at, deniedBy, slots = now, 0, {}
  for i, key in ipairs(KEYS) do
    local s = load(key)
    roll(s, now)
    local tail = { s.qw, s.qi }
    local t = nextSlot(s, budgets[i], cost, 0, pace)
    if t > now and openNow(s, budgets[i]) then
      t = now
    end
    if t > now then
      deniedBy = deniedBy + i
    end
    at = math.max(at, t)
    slots[i] = { s = s, t = t, tail = tail }
  end
  for _, slot in ipairs(slots) do
    if at > now and slot.t <= now then
      slot.s.qw, slot.s.qi = slot.tail[1], slot.tail[2]
    end
    save(slot.s)
  end
  if at <= now then
    return { 1, 0, 0 }
  end
  return { 0, math.ceil(at - now), deniedBy }
end
