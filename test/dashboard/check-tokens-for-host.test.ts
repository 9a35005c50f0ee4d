import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { checkTokensForHost } from '../../src/dashboard/check-tokens-for-host.ts';
import { runCli } from '../support/run-cli.ts';
import { scaled } from '../support/test-timing.ts';

const FIFTEEN = 'fifteen-chars!!';
const SIXTEEN = 'sixteen-chars!!!';
const OTHER16 = 'another-16-chars';

describe('checkTokensForHost', () => {
  it('refuses a control or metrics token under 16 characters off loopback, naming the variable, never the token', () => {
    for (const [controlToken, metricsToken, variable] of [
      [FIFTEEN, '', 'CONTROL_API_TOKEN'],
      ['', FIFTEEN, 'METRICS_TOKEN'],
    ] as const) {
      let thrown: unknown;
      try {
        checkTokensForHost({ host: '0.0.0.0', controlToken, metricsToken });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect(String((thrown as Error).message)).toContain(
        `${variable} is shorter than 16 characters while the dashboard listens on 0.0.0.0`,
      );
      expect(String((thrown as Error).message)).not.toContain(FIFTEEN);
    }
  });

  it('accepts 16 characters anywhere, short tokens on loopback, and tokens turned off', () => {
    expect(() => checkTokensForHost({ host: '0.0.0.0', controlToken: SIXTEEN, metricsToken: OTHER16 })).not.toThrow();
    expect(() => checkTokensForHost({ host: '127.0.0.1', controlToken: 'x', metricsToken: 'y' })).not.toThrow();
    expect(() => checkTokensForHost({ host: '0.0.0.0', controlToken: '', metricsToken: '' })).not.toThrow();
  });

  it('refuses a metrics token equal to the control token, on loopback too: the scraper would hold the kill switch', () => {
    expect(() => checkTokensForHost({ host: '127.0.0.1', controlToken: SIXTEEN, metricsToken: SIXTEEN })).toThrow(
      'METRICS_TOKEN equals CONTROL_API_TOKEN',
    );
  });

  it('stops `start --role dashboard` before it opens anything, with the reason on stderr', async () => {
    const run = await runCli(
      {
        DASHBOARD_PASSWORD: 'a-dashboard-password-long-enough',
        CONTROL_API_TOKEN: FIFTEEN,
        TRIPLEGAIN__DASHBOARD__HOST: '0.0.0.0',
        TRIPLEGAIN__REDIS__KEY_PREFIX: 'tgtest-tokens',
      },
      ['start', '--role', 'dashboard'],
      scaled(30_000),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'CONTROL_API_TOKEN is shorter than 16 characters while the dashboard listens on 0.0.0.0',
    );
  });
});
