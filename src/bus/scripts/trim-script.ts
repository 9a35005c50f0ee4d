import { LuaScript } from '../../redis/lua-script.ts';

/**
 * Trims one stream lane by age and length without removing anything a consumer group still
 * needs: entries pending in any group, and entries not yet delivered to any group.
 *
 * KEYS[1] lane stream
 * ARGV[1] max age in ms (against the server clock, as stream ids are), ARGV[2] max length,
 * ARGV[3] most entries looked at for the length rule in one pass
 * Returns { entries removed, the MINID used (or "") }.
 * Effects: XTRIM MINID <floor>, where floor = min(age/length cut, for every group: its oldest
 * pending id and the id after its last-delivered id).
 */
export const trimScript = new LuaScript(
  'trim',
  `
local function parse(id)
  local dash = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
local function less(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am < bm or (am == bm and as < bs)
end
local function after(id)
  local ms, seq = parse(id)
  return string.format('%.0f-%.0f', ms, seq + 1)
end

local len = redis.call('XLEN', KEYS[1])
if len == 0 then return {0, ''} end

local now = redis.call('TIME')
local cutoffMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[1])
local cut = string.format('%.0f-0', math.max(cutoffMs, 0))

local maxLen = tonumber(ARGV[2])
if len > maxLen then
  local excess = math.min(len - maxLen, tonumber(ARGV[3]))
  local range = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', excess + 1)
  local firstKept = range[#range][1]
  if less(cut, firstKept) then cut = firstKept end
end

local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
for _, group in ipairs(groups) do
  local name, lastDelivered
  for i = 1, #group, 2 do
    if group[i] == 'name' then name = group[i + 1] end
    if group[i] == 'last-delivered-id' then lastDelivered = group[i + 1] end
  end
  local nextUndelivered = after(lastDelivered)
  if less(nextUndelivered, cut) then cut = nextUndelivered end
  local pending = redis.call('XPENDING', KEYS[1], name)
  if tonumber(pending[1]) > 0 and less(pending[2], cut) then cut = pending[2] end
end

local removed = redis.call('XTRIM', KEYS[1], 'MINID', cut)
return {removed, cut}
`,
);
