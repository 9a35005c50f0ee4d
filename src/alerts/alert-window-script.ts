import { LuaScript } from '../redis/lua-script.ts';

/**
 * Counts one occurrence of an alert in its dedupe window and says whether it opens a window
 * (then it is sent) or falls in the open one (then it is only counted).
 *
 * KEYS[1] the window hash (`Keys.alertWindow`). ARGV[1] occurrence id, ARGV[2] now (wall ms),
 * ARGV[3] window length ms, ARGV[4] how long the hash is kept ms.
 * Returns {outcome, openedAtMs, carried}:
 * - `opened`: a new window starts now (ARGV[2]); `carried` = occurrences of the previous window
 *   that came after its message had been read (`alertWindowCountScript`), to be reported now.
 *   The same occurrence raised again in its window answers `opened` again with the same window,
 *   so a raise that failed after this step is repeated whole (the enqueue is idempotent).
 * - `counted`: inside the open window; counted, not sent.
 * - `duplicate`: this occurrence was counted already.
 * Effects: the hash holds `openedAtMs`, `count`, `carried`, `opener`, `o:<occurrence>` per
 * occurrence, `reported`, and the previous window's `prevOpenedAtMs` / `prevCount`.
 */
export const alertWindowScript = new LuaScript(
  'alert-window',
  `
local key = KEYS[1]
local occurrence = 'o:' .. ARGV[1]
local now = tonumber(ARGV[2])
local openedRaw = redis.call('HGET', key, 'openedAtMs')
local opened = tonumber(openedRaw or '-1')
if opened >= 0 and now < opened + tonumber(ARGV[3]) then
  if redis.call('HEXISTS', key, occurrence) == 1 then
    if redis.call('HGET', key, 'opener') == ARGV[1] then
      return {'opened', opened, tonumber(redis.call('HGET', key, 'carried') or '0')}
    end
    return {'duplicate', opened, 0}
  end
  redis.call('HSET', key, occurrence, '1')
  redis.call('HINCRBY', key, 'count', 1)
  return {'counted', opened, 0}
end
local carried = 0
local prevCount = 0
if opened >= 0 then
  prevCount = tonumber(redis.call('HGET', key, 'count') or '0')
  local reported = redis.call('HGET', key, 'reported')
  -- Never read: its message is still on its way and reads the count as prevCount.
  if reported then carried = math.max(prevCount - tonumber(reported), 0) end
end
redis.call('DEL', key)
redis.call('HSET', key, 'openedAtMs', ARGV[2], 'count', 1, 'carried', carried, 'opener', ARGV[1], occurrence, '1')
if opened >= 0 then redis.call('HSET', key, 'prevOpenedAtMs', openedRaw, 'prevCount', prevCount) end
redis.call('PEXPIRE', key, ARGV[4])
return {'opened', now, carried}
`,
);

/**
 * The occurrences counted so far in one window, for its message; marks them reported (so the
 * next window carries only those that come later).
 *
 * KEYS[1] the window hash. ARGV[1] the window (its `openedAtMs`).
 * Returns the count: of the open window, or of the previous one when it has rolled over since;
 * 0 when the hash no longer knows the window (expired).
 * Effects: `reported` raised to the count when the window is still open.
 */
export const alertWindowCountScript = new LuaScript(
  'alert-window-count',
  `
local key = KEYS[1]
if redis.call('HGET', key, 'openedAtMs') == ARGV[1] then
  local count = tonumber(redis.call('HGET', key, 'count') or '0')
  local reported = tonumber(redis.call('HGET', key, 'reported') or '0')
  if count > reported then redis.call('HSET', key, 'reported', count) end
  return count
end
if redis.call('HGET', key, 'prevOpenedAtMs') == ARGV[1] then
  return tonumber(redis.call('HGET', key, 'prevCount') or '0')
end
return 0
`,
);
