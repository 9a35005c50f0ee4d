import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { ConfigViolation } from './config-error.ts';
import { isPlainObject } from './deep-merge.ts';

export interface YamlLayer {
  /** The file's mapping of sections; empty when the file is empty or could not be read. */
  data: Record<string, unknown>;
  violations: ConfigViolation[];
}

/**
 * Reads one config file. Every syntax error is reported with `file:line:column`; a file that
 * has any contributes nothing, so its half-parsed content cannot mislead validation.
 */
export function readYamlLayer(file: string, label: string): YamlLayer {
  if (!existsSync(file)) return { data: {}, violations: [{ path: label, message: 'file not found' }] };
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const violations = doc.errors.map((error) => {
      const where = error.linePos?.[0];
      return { path: where ? `${label}:${where.line}:${where.col}` : label, message: firstLine(error.message) };
    });
    return { data: {}, violations };
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return { data: {}, violations: [] };
  if (!isPlainObject(data)) {
    return {
      data: {},
      violations: [
        {
          path: label,
          message: `expected a mapping of sections at the top level, got ${Array.isArray(data) ? 'a list' : typeof data}`,
        },
      ],
    };
  }
  return { data, violations: [] };
}

/** yaml's pretty messages end with " at line L, column C:" and a code frame; the path already says where. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
