import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChaosCluster } from '../../src/chaos/chaos-cluster.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Stand-ins for `triplegain start`: each says `ready` in its log once its SIGTERM handler is in
 * place, then does what its name says.
 */
const scripts = {
  graceful: `process.on('SIGTERM', () => process.exit(0)); console.log('ready'); setInterval(() => {}, 1000);`,
  failsToStop: `process.on('SIGTERM', () => process.exit(3)); console.log('ready'); setInterval(() => {}, 1000);`,
  abortsOnStop: `process.on('SIGTERM', () => process.kill(process.pid, 'SIGABRT')); console.log('ready'); setInterval(() => {}, 1000);`,
  ignoresStop: `process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);`,
  crashes: `console.log('ready'); setTimeout(() => process.exit(1), 50);`,
  leaves: `console.log('ready'); setTimeout(() => process.exit(0), 50);`,
} as const;

describe('ChaosCluster', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chaos-cluster-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const clusterOf = (script: keyof typeof scripts) =>
    new ChaosCluster({ env: process.env, logDir: dir, command: () => ['-e', scripts[script]] });
  const ready = (name: string) =>
    waitFor(
      async () => (await readFile(join(dir, `${name}.log`), 'utf8').catch(() => '')).includes('ready'),
      `${name} ready`,
    );

  it('takes a SIGKILL it sent and a clean stop as planned', async () => {
    const cluster = clusterOf('graceful');
    const [a, b] = [cluster.start('worker'), cluster.start('worker')];
    await Promise.all([ready(a), ready(b)]);
    expect(await cluster.kill(a)).toBe(true);
    expect(await cluster.kill(a)).toBe(false);
    expect(cluster.running('worker')).toEqual([b]);
    await cluster.stopAll(5_000);
    expect(cluster.running('worker')).toEqual([]);
    expect(cluster.unplannedExits).toEqual([]);
  });

  it.each([
    ['crashes', 'worker-1 exited with code 1 (log: worker-1.log)'],
    ['leaves', 'worker-1 exited with code 0 (log: worker-1.log)'],
  ] as const)('counts a process that %s while the harness waits', async (script, exit) => {
    const cluster = clusterOf(script);
    cluster.start('worker');
    await waitFor(() => cluster.running('worker').length === 0, 'the exit');
    expect(cluster.unplannedExits).toEqual([exit]);
  });

  it.each([
    ['exits non-zero', 'failsToStop', 'worker-1 stopped with code 3 (log: worker-1.log)'],
    ['crashes with another signal', 'abortsOnStop', 'worker-1 died of SIGABRT after SIGTERM (log: worker-1.log)'],
    ['does not stop in time', 'ignoresStop', 'worker-1 did not stop within 300 ms of SIGTERM (log: worker-1.log)'],
  ] as const)('counts a process that %s when stopped, once', async (_, script, exit) => {
    const cluster = clusterOf(script);
    await ready(cluster.start('worker'));
    await cluster.stopAll(300);
    expect(cluster.unplannedExits).toEqual([exit]);
  });
});
