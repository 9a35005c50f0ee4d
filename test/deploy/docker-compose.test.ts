import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { shutdownGiveUpMs } from '../../src/runtime/shutdown-give-up-ms.ts';
import { projectRoot } from '../support/spawn-ts.ts';
import { scaled } from '../support/test-timing.ts';

// No Docker engine runs where the tests run, so the compose file is checked by reading it.
interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  ports?: string[];
  profiles?: string[];
  stop_grace_period?: string;
}

// Compose resolves YAML merge keys (`<<: *app`), so the test does too.
const compose = parse(await readFile(join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  it('runs Redis with AOF and noeviction, with a health check', () => {
    const command = String(services.redis!.command);
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(services.redis!.healthcheck?.test).toContain('redis-cli');
  });

  it('runs PostgreSQL with a health check and the password from the environment', () => {
    expect(services.postgres!.healthcheck?.test.join(' ')).toMatch(/pg_isready/);
    expect(services.postgres!.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD/);
  });

  it('only depends on services it defines, with conditions compose knows', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.image ?? service.build, `${name} has an image or a build`).toBeTruthy();
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
      }
    }
  });

  it('runs a scheduler, replicated workers and a password-protected dashboard', () => {
    const role = (name: string) => (services[name]?.command as string[] | undefined)?.slice(2).join(' ');
    expect(role('scheduler')).toBe('start --role scheduler');
    expect(role('worker')).toBe('start --role worker');
    expect(services.worker!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(role('dashboard')).toBe('start --role dashboard');
    expect(services.dashboard!.environment?.DASHBOARD_PASSWORD).toMatch(/^\$\{DASHBOARD_PASSWORD:\?/);
    expect(services.dashboard!.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('gives every triplegain process longer than its shutdown deadline and grace before the SIGKILL', () => {
    // A stop stuck on a lost Redis or PostgreSQL gives up by itself (exit 1, saying so) after
    // app.shutdownDeadlineMs + app.shutdownGraceMs; compose must not SIGKILL it first.
    const seconds = (period: string | undefined) => {
      const m = /^(\d+)(s|m)$/.exec(period ?? '10s')!;
      return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
    };
    const started = Object.entries(services).filter(([, s]) => [s.command ?? []].flat().includes('start'));
    expect(started.map(([name]) => name).sort()).toEqual(['dashboard', 'scheduler', 'worker']);
    for (const [name, service] of started) {
      expect(seconds(service.stop_grace_period), name).toBeGreaterThan(shutdownGiveUpMs() / 1000);
    }
  });

  it('runs sweep workers only with the sweep profile', () => {
    expect((services['sweep-worker']?.command as string[]).slice(2)).toEqual(['sweep-worker']);
    expect(services['sweep-worker']!.profiles).toEqual(['sweep']);
    expect(services['sweep-worker']!.environment?.REDIS_URL).toBe('redis://redis:6379');
  });

  it(
    'gives the app services commands the CLI accepts',
    async () => {
      const run = promisify(execFile);
      const commands = Object.entries(services).flatMap(([name, service]) =>
        Array.isArray(service.command) && service.command[1] === 'bin/triplegain.mjs'
          ? [{ name, args: service.command.slice(2) }]
          : [],
      );
      // Concurrently: each is a CLI start, slow on a loaded machine.
      const helps = await Promise.all(
        commands.map(({ args }) =>
          run(process.execPath, ['bin/triplegain.mjs', ...args, '--help'], { cwd: projectRoot }),
        ),
      );
      for (const [i, { name, args }] of commands.entries()) {
        expect(helps[i]!.stdout, `${name}: triplegain ${args.join(' ')}`).toMatch(/^Usage: triplegain/);
      }
    },
    scaled(60_000),
  );
});
