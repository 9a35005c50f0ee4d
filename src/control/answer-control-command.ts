import type { Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import type { ControlPlane } from './control-plane.ts';
import { ControlCommand } from '../model/control-command.ts';

/** Body of `POST /control/<command>`. */
export const CommandBody = z
  .object({
    // Kept as written in the event log and alerts: no control characters (PostgreSQL stores no
    // NUL; a log line must stay one line) and no bidirectional overrides (a reason shown on the
    // page must read as it is).
    reason: z
      .string()
      .max(500)
      .refine(
        (reason) => ![...reason].some(isUnsafeInText),
        'must not contain control or bidirectional-override characters',
      )
      .default(''),
    cancelOrders: z.boolean().default(false),
    flatten: z.boolean().default(false),
  })
  .strict();

/** C0 controls, DEL, and the bidirectional embeddings, overrides and isolates (U+202A–E, U+2066–9). */
function isUnsafeInText(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

/**
 * Answers one kill-switch command over HTTP (the control API, the status page's buttons):
 * `name` must be a `ControlCommand` (else 404) and `body` a `CommandBody` (else 400, every issue
 * named); applied as `requestedBy`, it answers the transition, 409 when the control plane
 * refuses it (e.g. resume while HALTED), 503 when it could not be applied.
 */
export async function answerControlCommand(
  res: Response,
  deps: { control: Pick<ControlPlane, 'apply'>; logger: Logger },
  name: string,
  body: unknown,
  requestedBy: string,
): Promise<void> {
  const command = ControlCommand.safeParse(name);
  if (!command.success) {
    res.status(404).json({ error: `unknown command "${name}"; commands: ${ControlCommand.options.join(', ')}` });
    return;
  }
  const options = CommandBody.safeParse(body ?? {});
  if (!options.success) {
    res
      .status(400)
      .json({ error: options.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
    return;
  }
  try {
    const result = await deps.control.apply(command.data, { requestedBy, ...options.data });
    deps.logger.info(
      {
        command: command.data,
        requestedBy,
        from: result.from,
        to: result.to,
        cancelOrders: options.data.cancelOrders,
        flatten: options.data.flatten,
      },
      'control command applied',
    );
    res.json(result);
  } catch (err) {
    if (err instanceof TriplegainError && err.code === 'COMMAND_REFUSED') {
      res.status(409).json({ error: err.message });
      return;
    }
    deps.logger.error({ err: describeError(err), command: command.data, requestedBy }, 'control command failed');
    res.status(503).json({ error: describeError(err) });
  }
}
