import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parse, parseDocument, type Node, type YAMLMap } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppConfig, AppConfigShape, SECTION_NAMES } from '../../src/config/app-config.ts';
import { interpolateEnv } from '../../src/config/interpolate-env.ts';
import { DEFAULT_CONFIG_DIR, loadConfig } from '../../src/config/load-config.ts';
import { unwrapSchema } from '../../src/config/schema-at-path.ts';
import { AgentsConfig } from '../../src/config/sections/agents-config.ts';
import { AlertsConfig } from '../../src/config/sections/alerts-config.ts';
import { AppSectionConfig } from '../../src/config/sections/app-section-config.ts';
import { BusConfig } from '../../src/config/sections/bus-config.ts';
import { ControlConfig } from '../../src/config/sections/control-config.ts';
import { CoordinatorConfig } from '../../src/config/sections/coordinator-config.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { DatabaseConfig } from '../../src/config/sections/database-config.ts';
import { DegradationConfig } from '../../src/config/sections/degradation-config.ts';
import { ExecutionConfig } from '../../src/config/sections/execution-config.ts';
import { LlmConfig } from '../../src/config/sections/llm-config.ts';
import { MarketDataConfig } from '../../src/config/sections/market-data-config.ts';
import { MetricsConfig } from '../../src/config/sections/metrics-config.ts';
import { PortfolioConfig } from '../../src/config/sections/portfolio-config.ts';
import { RedisConfig } from '../../src/config/sections/redis-config.ts';
import { RiskConfig } from '../../src/config/sections/risk-config.ts';
import { SchedulesConfig } from '../../src/config/sections/schedules-config.ts';
import { SymbolsConfig } from '../../src/config/sections/symbols-config.ts';
import { createConfigFixture } from './config-fixture.ts';

const defaultYamlText = readFileSync(join(DEFAULT_CONFIG_DIR, 'default.yaml'), 'utf8');
/** default.yaml as written, `${VAR:-…}` references filled from an empty environment, before any zod default. */
const rawDefaults = interpolateEnv(parse(defaultYamlText), {}, AppConfig).tree as Record<string, unknown>;
const zodDefaults = AppConfig.parse({});

const SECTIONS: Record<keyof AppConfig, z.ZodType> = {
  app: AppSectionConfig,
  redis: RedisConfig,
  database: DatabaseConfig,
  bus: BusConfig,
  symbols: SymbolsConfig,
  schedules: SchedulesConfig,
  marketData: MarketDataConfig,
  agents: AgentsConfig,
  llm: LlmConfig,
  degradation: DegradationConfig,
  coordinator: CoordinatorConfig,
  risk: RiskConfig,
  execution: ExecutionConfig,
  portfolio: PortfolioConfig,
  dashboard: DashboardConfig,
  control: ControlConfig,
  alerts: AlertsConfig,
  metrics: MetricsConfig,
};

describe('default configuration', () => {
  it('has every section of the schema, in schema order', () => {
    expect(Object.keys(rawDefaults)).toEqual(SECTION_NAMES);
  });

  it.each(SECTION_NAMES)('default.yaml writes out every zod default of section %s, with the same values', (section) => {
    // Compared before zod fills anything in: a default missing from the file, or a file value
    // that differs from the schema's default, fails here.
    expect(rawDefaults[section]).toEqual(zodDefaults[section]);
  });

  it.each(SECTION_NAMES)('section schema %s parses {} to its full defaults on its own', (section) => {
    expect(SECTIONS[section].parse({})).toEqual(zodDefaults[section]);
  });

  it('loads with no local file and an empty environment to exactly AppConfig.parse({})', () => {
    const fixture = createConfigFixture();
    try {
      const loaded = loadConfig({ configDir: fixture.dir, env: {} });
      expect(loaded.config).toEqual(zodDefaults);
      expect(loaded.layers).toHaveLength(1);
    } finally {
      fixture.cleanup();
    }
  });

  it('explains every setting with a comment', () => {
    expect(undocumentedKeys(parseDocument(defaultYamlText).contents as YAMLMap)).toEqual([]);
  });

  it('mentions every key of the schema, optional ones at least in a commented example', () => {
    const missing = schemaKeyNames(AppConfigShape).filter(
      (key) => !new RegExp(`(^|\\s|#\\s*)${key}:`, 'm').test(defaultYamlText),
    );
    expect(missing).toEqual([]);
  });

  it('reads secrets only from the environment', () => {
    const secretLines = defaultYamlText
      .split('\n')
      .filter((line) => /^\s*(apiKey|apiSecret|token|password):/.test(line));
    expect(secretLines.length).toBeGreaterThan(0);
    for (const line of secretLines) expect(line).toMatch(/:\s*(\$\{[A-Z_]+:-\}|"")$/);
  });
});

/**
 * Keys holding a value (not a group) with no comment of their own and no commented group
 * above them. A comment on a group (e.g. `breakers`) documents its members.
 */
function undocumentedKeys(map: YAMLMap, path: string[] = [], covered = false): string[] {
  const out: string[] = [];
  map.items.forEach((pair, index) => {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    const keyNode = pair.key as Node;
    const value = pair.value as Node | null;
    const documented =
      covered ||
      Boolean(keyNode.commentBefore) ||
      (index === 0 && Boolean(map.commentBefore)) ||
      Boolean(value && !isMap(value) && value.comment);
    if (isMap(value)) out.push(...undocumentedKeys(value, [...path, key], documented));
    else if (!documented) out.push([...path, key].join('.'));
  });
  return out;
}

/** Names of every key of every object schema (records' own keys are data, not settings). */
function schemaKeyNames(schema: z.ZodType): string[] {
  const inner = unwrapSchema(schema);
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) => [
      key,
      ...schemaKeyNames(child),
    ]);
  }
  if (inner instanceof z.ZodRecord) return schemaKeyNames(inner.valueType as z.ZodType);
  if (inner instanceof z.ZodArray) return schemaKeyNames(inner.element as z.ZodType);
  if (inner instanceof z.ZodUnion) return (inner.options as z.ZodType[]).flatMap((option) => schemaKeyNames(option));
  return [];
}
