import type { Redis } from 'ioredis';
import type { ControlPlane } from '../control/control-plane.ts';
import type { Keys } from '../keys.ts';
import type { ChaosCluster } from './chaos-cluster.ts';
import type { ChaosDatabase } from './chaos-database.ts';

/** What the fault actions of a chaos run act on and observe with. */
export interface ChaosContext {
  cluster: ChaosCluster;
  db: ChaosDatabase;
  /** The harness's own connection to the cluster's Redis (it reconnects after a restart). */
  redis: Redis;
  keys: Keys;
  control: ControlPlane;
  /** SIGKILLs redis-server, waits `downMs`, and starts it again from its AOF on the same port. */
  restartRedis(downMs: number): Promise<void>;
  /** Bull Board, behind its basic-auth login. */
  board: { url: string; user: string; password: string };
  /** Wall time a halt is held before its submissions are counted (`haltHoldMs` of the baseline). */
  haltHoldMs: number;
  /** Aborted on SIGINT/SIGTERM: waits end at once. */
  signal: AbortSignal;
  /** Progress line for the operator. */
  say(line: string): void;
}
