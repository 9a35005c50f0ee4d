import { z } from 'zod';
import { ControlCommand } from '../../model/control-command.ts';
import { defineMessage } from '../define-message.ts';

/** An operator command for the coordinator (also available on the CLI and the control API). */
export const CoordinatorCommand = defineMessage({
  type: 'coordinator.command',
  topic: 'coordinator_commands',
  description: 'pause | resume | halt | reset, from an operator or a breaker',
  payload: z
    .object({
      command: ControlCommand,
      cancelOrders: z.boolean().default(false),
      flatten: z.boolean().default(false),
      reason: z.string().default(''),
      requestedBy: z.string().min(1),
    })
    .strict(),
});
