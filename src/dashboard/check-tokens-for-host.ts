import { ConfigError } from '../config/config-error.ts';
import type { ConfigViolation } from '../config/config-error.ts';
import { isLoopbackHost, MIN_EXPOSED_PASSWORD_LENGTH } from './check-password-for-host.ts';

/**
 * Refuses the dashboard's bearer tokens where they would not protect it: off loopback, a
 * `CONTROL_API_TOKEN` or `METRICS_TOKEN` shorter than 16 characters (the control token halts,
 * flattens and trades; neither is slowed down like a password); and, anywhere, a metrics token
 * equal to the control token (the scraper would hold the kill switch). `host` is the interface
 * the dashboard listens on; an empty token is the API turned off.
 *
 * @throws ConfigError naming each variable and the host; never a token or its length.
 */
export function checkTokensForHost(args: { host: string; controlToken: string; metricsToken: string }): void {
  const violations: ConfigViolation[] = [];
  const tokens = [
    { path: 'control.token', variable: 'CONTROL_API_TOKEN', value: args.controlToken },
    { path: 'metrics.token', variable: 'METRICS_TOKEN', value: args.metricsToken },
  ];
  if (!isLoopbackHost(args.host)) {
    for (const t of tokens) {
      if (t.value.length === 0 || [...t.value].length >= MIN_EXPOSED_PASSWORD_LENGTH) continue;
      violations.push({
        path: t.path,
        message: `${t.variable} is shorter than ${MIN_EXPOSED_PASSWORD_LENGTH} characters while the dashboard listens on ${args.host}, which is not loopback: set one of at least ${MIN_EXPOSED_PASSWORD_LENGTH} characters`,
      });
    }
  }
  if (args.metricsToken !== '' && args.metricsToken === args.controlToken) {
    violations.push({
      path: 'metrics.token',
      message:
        'METRICS_TOKEN equals CONTROL_API_TOKEN: a Prometheus scraper would hold the kill switch; give /metrics a token of its own',
    });
  }
  if (violations.length > 0) throw new ConfigError(violations);
}
