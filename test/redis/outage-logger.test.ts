import { describe, expect, it } from 'vitest';
import { OutageLogger } from '../../src/redis/outage-logger.ts';
import { captureLogger } from '../support/capture-logger.ts';

function setUp() {
  let nowMs = 1_000_000;
  const log = captureLogger();
  const outage = new OutageLogger({
    logger: log.logger,
    messages: { started: 'thing down', ended: 'thing back' },
    context: { connection: 'c1' },
    now: () => nowMs,
  });
  return { outage, log, advance: (ms: number) => (nowMs += ms) };
}

describe('OutageLogger', () => {
  it('logs one line when failures start and one when they end, with the attempts and the duration', () => {
    const { outage, log, advance } = setUp();
    for (let i = 0; i < 1_000; i++) {
      outage.failed(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { during: 'read' });
      advance(15);
    }
    expect(outage.inOutage).toBe(true);
    outage.succeeded();
    outage.succeeded();

    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'thing down'],
      [30, 'thing back'],
    ]);
    expect(log.lines[0]).toMatchObject({
      connection: 'c1',
      during: 'read',
      err: 'Error: connect ECONNREFUSED 127.0.0.1:6379',
    });
    expect(log.lines[1]).toMatchObject({
      connection: 'c1',
      failedAttempts: 1_000,
      durationMs: 15_000,
      err: 'Error: connect ECONNREFUSED 127.0.0.1:6379',
    });
    expect(log.lines[1]).not.toHaveProperty('lastErr');
    expect(outage.inOutage).toBe(false);
  });

  it('says nothing while everything succeeds', () => {
    const { outage, log } = setUp();
    for (let i = 0; i < 10; i++) outage.succeeded();
    expect(log.lines).toEqual([]);
  });

  it('starts counting afresh for the next outage', () => {
    const { outage, log, advance } = setUp();
    outage.failed(new Error('first'));
    outage.failed(new Error('first'));
    advance(100);
    outage.succeeded();
    outage.failed(new Error('second'));
    advance(40);
    outage.succeeded();
    expect(log.lines.map((l) => l.msg)).toEqual(['thing down', 'thing back', 'thing down', 'thing back']);
    expect(log.lines[3]).toMatchObject({ failedAttempts: 1, durationMs: 40, err: 'Error: second' });
  });

  it('names the last error when it differed from the first', () => {
    const { outage, log } = setUp();
    outage.failed(new Error('read ECONNRESET'));
    outage.failed(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    outage.succeeded();
    expect(log.lines[1]).toMatchObject({
      failedAttempts: 2,
      err: 'Error: read ECONNRESET',
      lastErr: 'Error: connect ECONNREFUSED 127.0.0.1:6379',
    });
  });

  it('logs the error as the describe option renders it', () => {
    const log = captureLogger();
    const outage = new OutageLogger({
      logger: log.logger,
      messages: { started: 'down', ended: 'up' },
      describe: () => 'redacted',
    });
    outage.failed(new Error('redis://u:hunter2@host'));
    expect(log.lines[0]).toMatchObject({ err: 'redacted' });
  });
});
