import { isIP } from 'node:net';
import { ConfigError } from '../config/config-error.ts';

/** The shortest dashboard password accepted on a host other than loopback. */
export const MIN_EXPOSED_PASSWORD_LENGTH = 16;

/** True for `localhost`, any 127.0.0.0/8 address, `::1` and the IPv4-mapped loopback (`::ffff:127.0.0.1`). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * Refuses a dashboard that would listen off loopback behind a password shorter than 16
 * characters: Basic auth is then all that stands between the network and Bull Board and the
 * control plane's host, and a short password falls to guessing even slowed down. On loopback
 * only this machine can connect, so any password (or none, which turns the board off) is
 * allowed there.
 *
 * @throws ConfigError naming DASHBOARD_PASSWORD and the host; never the password or its length.
 */
export function checkPasswordForHost(config: { host: string; password: string }): void {
  if (config.password.length === 0 || isLoopbackHost(config.host)) return;
  if ([...config.password].length >= MIN_EXPOSED_PASSWORD_LENGTH) return;
  throw new ConfigError([
    {
      path: 'dashboard.password',
      message:
        `DASHBOARD_PASSWORD is shorter than ${MIN_EXPOSED_PASSWORD_LENGTH} characters while the dashboard listens on ${config.host}, which is not loopback: ` +
        `set a DASHBOARD_PASSWORD of at least ${MIN_EXPOSED_PASSWORD_LENGTH} characters, or dashboard.host: 127.0.0.1 (TRIPLEGAIN__DASHBOARD__HOST) to keep it on this machine`,
    },
  ]);
}
