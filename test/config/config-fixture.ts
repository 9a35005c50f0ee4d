import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_DIR } from '../../src/config/load-config.ts';

/** A private config directory holding a copy of the real `default.yaml` and no `local.yaml`. */
export interface ConfigFixture {
  dir: string;
  /** Writes a file into the directory and returns its path. */
  write(name: string, text: string): string;
  cleanup(): void;
}

export function createConfigFixture(): ConfigFixture {
  const dir = mkdtempSync(join(tmpdir(), 'tg-config-'));
  copyFileSync(join(DEFAULT_CONFIG_DIR, 'default.yaml'), join(dir, 'default.yaml'));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
