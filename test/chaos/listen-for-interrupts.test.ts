import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { HarnessInterrupted } from '../../src/chaos/harness-interrupted.ts';
import { listenForInterrupts } from '../../src/chaos/listen-for-interrupts.ts';

describe('listenForInterrupts', () => {
  it('aborts the run on the first SIGINT or SIGTERM, says so once more on a repeat, and lets go when done', () => {
    const source = new EventEmitter();
    const controller = new AbortController();
    const lines: string[] = [];
    const stop = listenForInterrupts(controller, (line) => lines.push(line), 'chaos', source);
    expect(source.listenerCount('SIGINT')).toBe(1);
    expect(source.listenerCount('SIGTERM')).toBe(1);

    source.emit('SIGINT', 'SIGINT');
    expect(controller.signal.reason).toBeInstanceOf(HarnessInterrupted);
    expect(controller.signal.reason).toMatchObject({
      signal: 'SIGINT',
      exitCode: 130,
      message: 'chaos: interrupted by SIGINT',
    });
    // npm run forwards the Ctrl-C the terminal already sent: not a second reason to give up.
    source.emit('SIGINT', 'SIGINT');
    source.emit('SIGTERM', 'SIGTERM');
    expect(lines).toEqual([
      'chaos: SIGINT: stopping the cluster and releasing what the run started',
      'chaos: SIGINT again: still stopping, wait for it',
    ]);
    expect((controller.signal.reason as HarnessInterrupted).signal).toBe('SIGINT');

    stop();
    expect(source.listenerCount('SIGINT')).toBe(0);
    expect(source.listenerCount('SIGTERM')).toBe(0);
  });

  it('gives SIGTERM its exit code', () => {
    expect(new HarnessInterrupted('SIGTERM', 'chaos').exitCode).toBe(143);
  });

  it('names the rehearsal in what it says, not chaos', () => {
    const source = new EventEmitter();
    const controller = new AbortController();
    const lines: string[] = [];
    listenForInterrupts(controller, (line) => lines.push(line), 'rehearse', source);
    source.emit('SIGTERM', 'SIGTERM');
    expect(lines).toEqual(['rehearse: SIGTERM: stopping the cluster and releasing what the run started']);
    expect(controller.signal.reason).toMatchObject({ message: 'rehearse: interrupted by SIGTERM', exitCode: 143 });
  });
});
