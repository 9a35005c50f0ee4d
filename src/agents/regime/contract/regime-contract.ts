import type { AgentContract } from '../../contracts/agent-contract.ts';
import { RegimeConfig } from './regime-config.ts';
import { RegimeDetected } from './regime-detected.ts';

/** Market regime detection: publishes `regime.detected`, runs every five minutes by default. */
export const regimeContract = {
  name: 'regime',
  messages: [RegimeDetected],
  config: RegimeConfig,
  schedule: { enabled: true, everyMs: 300_000, timeoutMs: 60_000 },
} as const satisfies AgentContract;
