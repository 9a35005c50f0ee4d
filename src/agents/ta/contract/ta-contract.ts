import type { AgentContract } from '../../contracts/agent-contract.ts';
import { TaConfig } from './ta-config.ts';
import { TaSignalEmitted } from './ta-signal-emitted.ts';

/** Technical analysis: publishes `ta.signal_emitted`, runs every minute by default. */
export const taContract = {
  name: 'ta',
  messages: [TaSignalEmitted],
  config: TaConfig,
  schedule: { enabled: true, everyMs: 60_000, timeoutMs: 30_000 },
} as const satisfies AgentContract;
