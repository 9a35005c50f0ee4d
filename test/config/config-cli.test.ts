import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfigFixture, type ConfigFixture } from './config-fixture.ts';
import { scaled } from '../support/test-timing.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI entry with a clean environment (no TRIPLEGAIN__* leaking in from the shell). */
function triplegain(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/triplegain.mjs', ...args],
      {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        timeout: scaled(60_000),
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let fixture: ConfigFixture;
beforeEach(() => {
  fixture = createConfigFixture();
});
afterEach(() => fixture.cleanup());

describe('triplegain config check', () => {
  it('prints every violation with its path and exits non-zero', async () => {
    const file = fixture.write('bad.yaml', 'risk:\n  maxLeverage: 50\n  foo: 1\n');
    const run = await triplegain(['config', 'check', file]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('risk.maxLeverage: 50 is out of range (allowed 1 to 5)');
    expect(run.stderr).toContain('risk.foo: unknown key');
  });

  it('prints one OK line naming the layers and exits 0 for a valid file', async () => {
    const file = fixture.write('good.yaml', 'risk:\n  maxLeverage: 3\n');
    const run = await triplegain(['config', 'check', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toMatch(/^config OK: config\/default\.yaml < .*good\.yaml\n$/);
  });

  it('lets its file argument win over the global --config option', async () => {
    const bad = fixture.write('bad.yaml', 'risk:\n  maxLeverage: 50\n');
    const good = fixture.write('good.yaml', 'risk:\n  maxLeverage: 3\n');
    const run = await triplegain(['--config', bad, 'config', 'check', good]);
    expect(run.code).toBe(0);
  });

  it('refuses a secret written in the file, naming the file, the path and the variable, and passes its ${VAR} reference', async () => {
    const literal = fixture.write('literal.yaml', 'dashboard:\n  password: hunter2-hunter2-hunter2\n');
    const run = await triplegain(['config', 'check', literal]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`dashboard.password: is a secret written in ${literal}`);
    expect(run.stderr).toContain('set DASHBOARD_PASSWORD in the environment');
    expect(run.stdout + run.stderr).not.toContain('hunter2');

    const reference = fixture.write('reference.yaml', 'dashboard:\n  password: ${DASHBOARD_PASSWORD}\n');
    expect(
      (await triplegain(['config', 'check', reference], { DASHBOARD_PASSWORD: 'hunter2-hunter2-hunter2' })).code,
    ).toBe(0);
  });

  it('reports a YAML syntax error with file and line', async () => {
    const file = fixture.write('broken.yaml', 'risk:\n  maxLeverage: 2\nrisk: 3\n');
    const run = await triplegain(['config', 'check', file]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`${file}:3:1: Map keys must be unique`);
  });
});

describe('triplegain config show', () => {
  it('prints the effective configuration as YAML with secrets masked', async () => {
    const file = fixture.write('show.yaml', 'risk:\n  maxLeverage: 2\n');
    const secrets = {
      DEEPSEEK_API_KEY: 'sk-deepseek-abcdef',
      DASHBOARD_PASSWORD: 'hunter2-hunter2',
      REDIS_URL: 'redis://ops:r3d1s-pass@127.0.0.1:6379',
    };
    const run = await triplegain(['config', 'show', file], secrets);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('maxLeverage: 2');
    expect(run.stdout).toMatch(/deepseek:\n(\s+.*\n)*?\s+apiKey: "\*\*\*"/);
    expect(run.stdout).toMatch(/password: "\*\*\*"/);
    expect(run.stdout).toContain('url: redis://ops:***@127.0.0.1:6379');
    for (const value of [...Object.values(secrets), 'r3d1s-pass']) expect(run.stdout + run.stderr).not.toContain(value);
  });
});
