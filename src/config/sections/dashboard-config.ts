import { z } from 'zod';
import { port, secret } from '../config-fields.ts';

/** The `dashboard` section: the HTTP role (Bull Board, status and control API, metrics). */
export const DashboardConfig = z
  .object({
    /** Interface to listen on. Without a password the server binds 127.0.0.1 only. */
    host: z.string().min(1).default('0.0.0.0'),
    /** TCP port. */
    port: port().default(3_000),
    /** Basic-auth user. */
    user: z.string().min(1).default('admin'),
    /** Basic-auth password, from `DASHBOARD_PASSWORD`; empty restricts the server to localhost. */
    password: secret(),
  })
  .strict();
export type DashboardConfig = z.infer<typeof DashboardConfig>;
