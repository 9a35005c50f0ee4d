import { z } from 'zod';
import { secret } from '../config-fields.ts';

/** The `control` section: the HTTP control API (pause, resume, halt, reset). */
export const ControlConfig = z
  .object({
    /** Bearer token, from `CONTROL_API_TOKEN`; empty means the HTTP control API refuses every call. */
    token: secret(),
  })
  .strict();
export type ControlConfig = z.infer<typeof ControlConfig>;
