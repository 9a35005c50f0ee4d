import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerDbCommands } from '../../src/cli/commands/db-commands.ts';

async function runCli(args: string[]): Promise<string> {
  const program = new Command('triplegain').exitOverride();
  registerDbCommands(program);
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void printed.push(parts.join(' ')));
  try {
    await program.parseAsync(['node', 'triplegain', ...args]);
  } finally {
    spy.mockRestore();
  }
  return printed.join('\n');
}

describe('triplegain db migrate', () => {
  let dir: string;
  const savedUrl = process.env.DATABASE_URL;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-pglite-'));
    delete process.env.DATABASE_URL;
  });
  afterEach(async () => {
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates PGlite when DATABASE_URL is unset, then finds nothing to do', async () => {
    const pgliteDir = join(dir, 'pglite');
    expect(await runCli(['db', 'migrate', '--pglite-dir', pgliteDir])).toMatch(
      /^pglite .*: applied ([2-9]|[1-9]\d+) migrations/,
    );
    expect(await runCli(['db', 'migrate', '--pglite-dir', pgliteDir])).toMatch(/^pglite .*: already up to date/);
  });

  it('fails without printing the password of DATABASE_URL', async () => {
    process.env.DATABASE_URL = 'postgres://trader:hunter2secret@127.0.0.1:1/tg';
    const err = (await runCli(['db', 'migrate']).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('postgres://trader:***@127.0.0.1:1/tg');
    expect(err.message).not.toContain('hunter2secret');
  });
});
