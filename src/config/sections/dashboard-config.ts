import { z } from 'zod';
import { port, secret } from '../config-fields.ts';

/** `dash.example.com`, `dash.example.com:8443`, `10.0.0.5`, `[fd00::5]:3000`: a Host header value, no scheme or path. */
const HOST_ENTRY = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:\d{1,5})?$/i;

/** The `dashboard` section: the HTTP role (Bull Board, status and control API, metrics). */
export const DashboardConfig = z
  .object({
    /** Interface to listen on. Without a password the server binds 127.0.0.1 only. */
    host: z.string().min(1).default('0.0.0.0'),
    /** TCP port. */
    port: port().default(3_000),
    /** Basic-auth user. */
    user: z.string().min(1).default('admin'),
    /**
     * Basic-auth password, from `DASHBOARD_PASSWORD`; empty turns Bull Board off (`/ui` answers
     * 503) and restricts the server to localhost. Off loopback it must have at least 16
     * characters, else the dashboard refuses to start (`checkPasswordForHost`).
     */
    password: secret(),
    /**
     * More names the server may be addressed as by a request that changes something (any method
     * but GET, HEAD, OPTIONS): its `Host` header, and the host of its `Origin` when one is sent.
     * Loopback names and the bound addresses, with the bound port, are always allowed. An entry
     * without a port also matches that name with the bound port; one with a port matches only
     * it (a reverse proxy on 443, an SSH tunnel's local port). Default none.
     */
    allowedHosts: z
      .array(
        z
          .string()
          .regex(
            HOST_ENTRY,
            'expected a host as sent in a Host header, e.g. dash.example.com or dash.example.com:8443',
          ),
      )
      .default([]),
  })
  .strict();
export type DashboardConfig = z.infer<typeof DashboardConfig>;
