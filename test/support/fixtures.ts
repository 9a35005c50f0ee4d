import { test as base } from 'vitest';
import type { BusConfig } from '../../src/config/sections/bus-config.ts';
import { startKrakenFixtureServer, type KrakenFixtureServer } from './kraken-fixture-server.ts';
import { startKrakenPrivateServer, type KrakenPrivateServer } from './kraken-private-server.ts';
import { startModelServer, type ModelServer } from './model-server.ts';
import { createTestBus, type TestBus } from './test-bus.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { createTestRedis, type TestRedis } from './test-redis.ts';

/** What `redis` starts with; `test.override({ redisOptions: { controlState: false } })` for a flushed Redis. */
export interface RedisOptions {
  controlState?: boolean;
}

/** The bus settings on top of `fastBusConfig`; `test.override({ busOptions: { config: … } })`. */
export interface BusOptions {
  config?: Partial<BusConfig>;
  service?: string;
}

export type TestFixtures = {
  redisOptions: RedisOptions;
  busOptions: BusOptions;
  /** A Redis connection with a key prefix of this test's own; its keys are deleted after the test. */
  redis: TestRedis;
  /** A Bus on a prefix of this test's own (`createTestBus`), closed and cleaned after the test. */
  bus: TestBus;
  /** A migrated PostgreSQL schema of this test's own, dropped after the test. */
  database: TestDatabase;
  /** The stand-in for Kraken's public REST API, stopped after the test. */
  krakenServer: KrakenFixtureServer;
  /** The stand-in for Kraken's private REST API (signatures and nonces checked), stopped after the test. */
  krakenPrivateServer: KrakenPrivateServer;
  /** The stand-in OpenAI/Anthropic model server, stopped after the test. */
  modelServer: ModelServer;
};

export type FileFixtures = {
  /** One migrated PostgreSQL schema for every test of the file, dropped after the file. */
  fileDatabase: TestDatabase;
  /** One Redis prefix for every test of the file, cleaned after the file. */
  fileRedis: TestRedis;
};

/**
 * `test` (alias `it`) with the real infrastructure as fixtures: a test names what it needs in
 * its context (`async ({ bus, database }) => …`) and the fixture sets it up before and cleans
 * it up after, whether the test passed or not.
 */
export const test = base.extend<{ $test: TestFixtures; $file: FileFixtures }>({
  redisOptions: {},
  busOptions: {},
  // eslint-disable-next-line no-empty-pattern
  fileDatabase: [async ({}, use) => owned(createTestDatabase('postgres'), use), { scope: 'file' }],
  // eslint-disable-next-line no-empty-pattern
  fileRedis: [async ({}, use) => owned(createTestRedis(), use), { scope: 'file' }],
  redis: async ({ redisOptions }, use) => owned(createTestRedis(undefined, redisOptions), use),
  bus: async ({ busOptions }, use) => owned(createTestBus(busOptions), use),
  // eslint-disable-next-line no-empty-pattern
  database: async ({}, use) => owned(createTestDatabase('postgres'), use),
  // eslint-disable-next-line no-empty-pattern
  krakenServer: async ({}, use) => closed(startKrakenFixtureServer(), use),
  // eslint-disable-next-line no-empty-pattern
  krakenPrivateServer: async ({}, use) => closed(startKrakenPrivateServer(), use),
  // eslint-disable-next-line no-empty-pattern
  modelServer: async ({}, use) => closed(startModelServer(), use),
});

export const it = test;

async function owned<T extends { cleanup(): Promise<void> }>(
  setUp: Promise<T>,
  use: (value: T) => Promise<void>,
): Promise<void> {
  const value = await setUp;
  try {
    await use(value);
  } finally {
    await value.cleanup();
  }
}

async function closed<T extends { close(): Promise<void> }>(
  setUp: Promise<T>,
  use: (value: T) => Promise<void>,
): Promise<void> {
  const value = await setUp;
  try {
    await use(value);
  } finally {
    await value.close();
  }
}
