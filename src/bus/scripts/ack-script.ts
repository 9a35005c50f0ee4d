import { LuaScript } from '../../redis/lua-script.ts';

/**
 * Acks a batch on both lanes of a topic and adds to the group's counters, in one command.
 *
 * KEYS[1] urgent lane, KEYS[2] main lane, KEYS[3] stats hash
 * ARGV[1] group, ARGV[2] number U of urgent ids, ARGV[3] number M of main ids,
 * ARGV[4 .. 3+U] urgent ids, then M main ids, then `counter n` pairs
 * Returns the number of entries acked. Effects: XACK on each lane, HINCRBY `<group>:<counter>`.
 */
export const ackScript = new LuaScript(
  'ack',
  `
local group = ARGV[1]
local u = tonumber(ARGV[2])
local m = tonumber(ARGV[3])
local acked = 0
if u > 0 then acked = acked + redis.call('XACK', KEYS[1], group, unpack(ARGV, 4, 3 + u)) end
if m > 0 then acked = acked + redis.call('XACK', KEYS[2], group, unpack(ARGV, 4 + u, 3 + u + m)) end
for i = 4 + u + m, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[3], group .. ':' .. ARGV[i], ARGV[i + 1])
end
return acked
`,
);
