import { z } from 'zod';

/** How serious an alert or a system event is, from mild to severe. */
export const severities = ['info', 'warning', 'error', 'critical'] as const;
export const Severity = z.enum(severities);
export type Severity = z.infer<typeof Severity>;
