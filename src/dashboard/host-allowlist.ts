import { networkInterfaces } from 'node:os';

export interface HostAllowlistOptions {
  /** The address the server is bound to, as `server.address()` gives it: `127.0.0.1`, `0.0.0.0`, `::`… */
  boundAddress: string;
  /** The port the server is bound to. */
  port: number;
  /** `dashboard.allowedHosts`: a name alone also matches it with `port`; `name:port` matches only that. */
  extra?: readonly string[];
  /** The machine's interface addresses, for a wildcard bind. Default `os.networkInterfaces()`. */
  interfaceAddresses?: () => readonly string[];
}

export interface HostAllowlist {
  /** True when `host` (a `Host` header value, or the host part of an `Origin`) names this server. Case-insensitive. */
  allows(host: string): boolean;
  /** Every allowed value, lower case, for logs. */
  readonly hosts: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The names a request may address the dashboard as: the loopback names and the bound
 * address(es), each with the bound port, plus `extra`. A wildcard bind (`0.0.0.0`, `::`)
 * stands for every interface address, so each of those is allowed too.
 *
 * Only names are checked, never resolved: a DNS-rebinding page is served from a name the
 * attacker controls, and its requests carry that name in `Host`; an IP literal in `Host`
 * can only come from a page whose origin is that address, i.e. from this server itself.
 */
export function hostAllowlist(options: HostAllowlistOptions): HostAllowlist {
  const { boundAddress, port } = options;
  const wildcard = boundAddress === '0.0.0.0' || boundAddress === '::';
  const addresses = wildcard
    ? (options.interfaceAddresses ?? machineAddresses)().filter((a) => boundAddress === '::' || !a.includes(':'))
    : [boundAddress];
  const names = [...LOOPBACK_NAMES, ...addresses.map(bracketed)].map((name) => `${name}:${port}`);
  for (const entry of options.extra ?? []) {
    names.push(entry);
    if (!hasPort(entry)) names.push(`${entry}:${port}`);
  }
  const hosts = [...new Set(names.map((name) => name.toLowerCase()))];
  const allowed = new Set(hosts);
  return { allows: (host) => allowed.has(host.toLowerCase()), hosts };
}

function machineAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address));
}

/** `::1` → `[::1]`, as it is written in a Host header; IPv4 and names unchanged. */
function bracketed(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** `name:443` and `[::1]:3000` have a port; `name` and `[::1]` have none. */
function hasPort(entry: string): boolean {
  return /:\d+$/.test(entry);
}
