import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { logFormatFor } from '../../src/shared/log-format.ts';
import { endStatusLine, showStatusLine, writeAbove } from '../../src/shared/status-line.ts';
import { projectRoot, spawnTs } from '../support/spawn-ts.ts';

const run = promisify(execFile);

function capture(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { stream, text: () => out };
}

describe('logFormatFor', () => {
  it('is pretty on a terminal and JSON anywhere else, unless LOG_FORMAT says', () => {
    expect(logFormatFor({ isTTY: true }, {})).toBe('pretty');
    expect(logFormatFor({ isTTY: false }, {})).toBe('json');
    expect(logFormatFor({}, {})).toBe('json');
    expect(logFormatFor({ isTTY: true }, { LOG_FORMAT: 'json' })).toBe('json');
    expect(logFormatFor({ isTTY: false }, { LOG_FORMAT: 'pretty' })).toBe('pretty');
  });

  it('refuses a format it does not know, naming the choices', () => {
    expect(() => logFormatFor({ isTTY: true }, { LOG_FORMAT: 'xml' })).toThrow(
      'LOG_FORMAT must be one of pretty, json, got "xml"',
    );
  });
});

describe('writeAbove', () => {
  it('prints a line above the status line and draws the status line again beneath it', () => {
    const out = capture();
    showStatusLine(out.stream, '[##..] 50%');
    writeAbove(out.stream, 'a log line\n');
    showStatusLine(out.stream, '[###.] 75%');
    endStatusLine(out.stream);
    writeAbove(out.stream, 'after\n');
    // What a terminal shows: each \r\x1b[2K erases the line the cursor is on.
    expect(out.text()).toBe(
      '\r\x1b[2K[##..] 50%' + '\r\x1b[2Ka log line\n[##..] 50%' + '\r\x1b[2K[###.] 75%' + '\n' + 'after\n',
    );
  });

  it('writes as is when no status line is shown', () => {
    const out = capture();
    writeAbove(out.stream, 'plain\n');
    expect(out.text()).toBe('plain\n');
  });
});

describe('createLogger', () => {
  it('writes pretty logs as one line per event, above a status line, secrets censored', async () => {
    const child = spawnTs('test/support/log-twice.ts', { LOG_FORMAT: 'pretty' });
    expect(await child.exited).toBe(0);
    // What erases a line, made visible.
    const lines = child.output().replaceAll('\r\u001b[2K', '<erase>').split('\n');
    expect(lines).toHaveLength(3);
    // The log line replaced the status line, which came back beneath it and stayed at the end.
    expect(lines[0]?.replace(/\d\d:\d\d:\d\d\.\d{3}/, 'hh:mm:ss.mmm')).toBe(
      '<erase>[#####.....]  50%<erase>[hh:mm:ss.mmm] WARN (triplegain): exchange unreachable {"pair":"XBT/USD","password":"***"}',
    );
    expect(lines[1]).toBe('[#####.....]  50%');
    expect(lines[2]).toBe('');
  });

  it('writes JSON lines when asked, with the same censoring', async () => {
    const child = spawnTs('test/support/log-twice.ts', { LOG_FORMAT: 'json' });
    expect(await child.exited).toBe(0);
    const out = child.output();
    const logLine = out.slice(out.indexOf('{"level"')).split('\n')[0];
    expect(JSON.parse(logLine ?? 'null')).toMatchObject({
      level: 40,
      msg: 'exchange unreachable',
      pair: 'XBT/USD',
      password: '***',
    });
  });

  it.each(['json', 'pretty'])(
    'on a real terminal, writes %s lines above the progress bar, never into it',
    async (format) => {
      // `script` gives the child a pseudo-terminal, so stdout.isTTY is true as in an operator's shell.
      const { stdout } = await run(
        'script',
        ['-qec', `${process.execPath} --import tsx test/support/log-twice.ts`, '/dev/null'],
        { cwd: projectRoot, env: { ...process.env, LOG_FORMAT: format } },
      );
      // The terminal turns each \n into \r\n; what erases a line, made visible.
      const lines = stdout.replaceAll('\r\n', '\n').replaceAll('\r\u001b[2K', '<erase>').split('\n');
      expect(lines).toHaveLength(3);
      const [bar, logged] = lines[0]!.split('<erase>').filter((part) => part !== '');
      expect(bar).toBe('[#####.....]  50%');
      expect(logged).toContain('exchange unreachable');
      expect(logged!.startsWith(format === 'json' ? '{"level":40' : '[')).toBe(true);
      expect(lines[1]).toBe('[#####.....]  50%');
    },
  );
});
