import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanLogs } from '../../src/chaos/scan-logs.ts';

describe('scanLogs', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scan-logs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts error and fatal lines and lines naming ECONNREFUSED over every process log', async () => {
    await writeFile(
      join(dir, 'worker-1.log'),
      [
        '{"level":30,"msg":"started"}',
        '{"level":50,"msg":"job failed","err":"connect ECONNREFUSED 127.0.0.1:1"}',
        '{"level":40,"msg":"workers lost Redis","err":"ECONNREFUSED"}',
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'worker-2.log'), '{"level":60,"msg":"fatal"}\n{"level":500}\n');
    await writeFile(join(dir, 'notes.txt'), '{"level":50}\n');
    expect(await scanLogs(dir)).toEqual({ processes: 2, errorLines: 2, refusedLines: 2 });
  });
});
