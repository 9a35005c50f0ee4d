import type { ServerResponse } from 'node:http';
import type { FixtureOverride } from './kraken-fixture-server.ts';

/** The override for `key`, counting one use down (and dropping it when used up). */
export function takeOverride<O extends FixtureOverride>(overrides: Map<string, O>, key: string): O | undefined {
  const override = overrides.get(key);
  if (override?.times !== undefined) {
    override.times -= 1;
    if (override.times <= 0) overrides.delete(key);
  }
  return override;
}

/**
 * Answers with `body` as an exchange would, or misbehaves as `override` says: after
 * `delayMs`, never (`hang: 'headers'`), or with half the body and then silence (`hang: 'body'`).
 * Pending delays go in `timers`, so that closing the server can clear them.
 */
export function sendFixture(
  res: ServerResponse,
  status: number,
  body: string,
  override: FixtureOverride | undefined,
  timers: Set<NodeJS.Timeout>,
): void {
  if (override?.hang === 'headers') return;
  const write = () => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    if (override?.hang === 'body') {
      res.write(body.slice(0, Math.floor(body.length / 2)));
      return;
    }
    res.end(body);
  };
  if (!override?.delayMs) return write();
  const timer = setTimeout(() => {
    timers.delete(timer);
    write();
  }, override.delayMs);
  timers.add(timer);
}
