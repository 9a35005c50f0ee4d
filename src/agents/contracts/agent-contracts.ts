import { regimeContract } from '../regime/contract/regime-contract.ts';
import { sentimentContract } from '../sentiment/contract/sentiment-contract.ts';
import { taContract } from '../ta/contract/ta-contract.ts';

/**
 * The contract of every registered agent, in the order of `agentRegistry` (checked there):
 * their messages join the bus catalog, their config sections the `agents` section, their
 * timetables the `schedules` section and their names the queues. Registering an agent is its
 * line here and its line in `agentRegistry`.
 */
export const agentContracts = [taContract, regimeContract, sentimentContract] as const;
