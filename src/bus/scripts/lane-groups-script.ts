import { LuaScript } from '../../redis/lua-script.ts';

/**
 * The consumer groups of one lane with their lag counted on the stream itself.
 *
 * Redis's own `lag` (XINFO GROUPS) is the stream's entries-added minus the group's
 * entries-read counter, and that counter can be wrong for good: an AOF replays reads as
 * `XCLAIM … LASTID`, which moves the group's last-delivered id but not its counter, so after a
 * restart a group that has read everything still shows the reads logged since the last AOF
 * rewrite as lag, and keeps that offset as it reads on. After XDEL it reports no lag at all.
 * Counting what lies after the last-delivered id is right whatever the counter says.
 *
 * KEYS[1] lane stream
 * ARGV[1] most entries counted per group (the cap), ARGV[2] entries read per XRANGE call
 * Returns, per group, { name, consumers, pending, lag, exact }: `lag` entries after the
 * group's last-delivered id; exact = 0 when the count stopped at the cap (lag is then a lower
 * bound). An empty list when the lane does not exist. Effects: none.
 */
export const laneGroupsScript = new LuaScript(
  'lane-groups',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local cap = tonumber(ARGV[1])
local page = tonumber(ARGV[2])

local function undelivered(lastDelivered)
  -- Nothing at or before the last-delivered id is left (never read, or trimmed): every entry is due.
  if #redis.call('XRANGE', KEYS[1], '-', lastDelivered, 'COUNT', 1) == 0 then
    return redis.call('XLEN', KEYS[1]), 1
  end
  local counted = 0
  local from = '(' .. lastDelivered
  while counted < cap do
    local want = math.min(page, cap - counted)
    local entries = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', want)
    counted = counted + #entries
    if #entries < want then return counted, 1 end
    from = '(' .. entries[#entries][1]
  end
  return counted, 0
end

local out = {}
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local name, consumers, pending, lastDelivered
  for i = 1, #group, 2 do
    local field = group[i]
    if field == 'name' then name = group[i + 1]
    elseif field == 'consumers' then consumers = group[i + 1]
    elseif field == 'pending' then pending = group[i + 1]
    elseif field == 'last-delivered-id' then lastDelivered = group[i + 1] end
  end
  local lag, exact = undelivered(lastDelivered)
  out[#out + 1] = { name, consumers, pending, lag, exact }
end
return out
`,
);
