import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppConfig } from '../../src/config/app-config.ts';
import { projectRoot } from '../support/spawn-ts.ts';

// No Docker engine runs where the tests run: the image's contents are checked by reading the Dockerfile.
const dockerfile = await readFile(join(projectRoot, 'Dockerfile'), 'utf8');
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const copied = [...runtimeStage.matchAll(/^COPY (?!--from)(\S+) \.\/(\S+)$/gm)].map((m) => m[2]!);

describe('the Dockerfile', () => {
  it('copies into the image every folder the code reads from the project root at run time', async () => {
    // `projectRoot, '<folder>'` in the sources: a folder read at run time.
    const sources = (await readdir(join(projectRoot, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts'));
    const read: string[] = [];
    for (const file of sources)
      for (const m of (await readFile(join(projectRoot, 'src', file), 'utf8')).matchAll(/projectRoot, '([a-z]+)/g))
        read.push(m[1]!);
    expect(read.length).toBeGreaterThan(0);
    for (const folder of new Set([...read, 'bin', 'config', 'drizzle', 'strategies']))
      expect(copied, `${folder}/ is read at run time`).toContain(folder);
  });

  it('holds the recordings the default config replays and the pair rules paper trading uses', () => {
    const files = Object.values(AppConfig.parse({}).marketData.replay.files);
    expect(files.length).toBeGreaterThan(0);
    for (const file of [...files, 'data/kraken/asset-pairs.json'])
      expect(copied, `${file} is in the image`).toContain(file.split('/')[0]);
  });
});
