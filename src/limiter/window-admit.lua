-- The admit op: when may a new job of this tenant start so that its first call finds budget? Runs after
-- window-state.lua and before window-limiter.lua in the same script (window-limiter.ts joins them).
--
-- Each bucket keeps an admission queue: slots numbered by window and place, (qw, qi) being the first slot no
-- admitted job holds yet. A job is given that slot and told to start when the paced allowance of its window
-- covers its place, so jobs of a saturated tenant leave the queue one by one as budget opens instead of being
-- taken, denied and delayed (ARCHITECTURE: Fair scheduling). Nothing is charged: the job's calls still take
-- tokens when it runs, so a slot is a schedule, and the take at run time is what keeps Intercom's budget.
-- ARGV as for take (7 cost, 8/9 budgets, 10 reserve, 12 burst, 13 pace).

if op == 'admit' then
  local cost = tonumber(ARGV[7])
  local budgets = { tonumber(ARGV[8]), tonumber(ARGV[9]) }
  local a0 = (1 - tonumber(ARGV[10])) * tonumber(ARGV[12])
  local pace = (W - early - late) * tonumber(ARGV[13])
  local buckets = { load(KEYS[1]), load(KEYS[2]) }
  local slots = {}
  local at, deniedBy = now, 0
  for i, s in ipairs(buckets) do
    roll(s, now)
    local b = budgets[i]
    -- The tail never lags what this window already served: calls taken without admission hold places too.
    local qw, qi = s.qw, s.qi
    if qw == nil or qw < s.k then
      qw, qi = s.k, count(s, s.k)
    elseif qw == s.k then
      qi = math.max(qi, count(s, s.k))
    end
    if s.d > startOf(s, qw + 1) then
      qw, qi = windowOf(s, s.d), 0
    end
    if qi + cost > b then
      qw, qi = qw + 1, 0
    end
    -- Never in the early edge, where a call also counts against the previous (full) window.
    local t = math.max(pacedAt(s, b, qw, qi + cost, a0, pace), startOf(s, qw) + early, s.d)
    slots[i] = { qw, qi + cost }
    if t > now then
      deniedBy = deniedBy + i
    end
    at = math.max(at, t)
  end
  for i, s in ipairs(buckets) do
    s.qw, s.qi = slots[i][1], slots[i][2]
    save(s)
  end
  if at <= now then
    return { 1, 0, 0 }
  end
  return { 0, math.ceil(at - now), deniedBy }
end
