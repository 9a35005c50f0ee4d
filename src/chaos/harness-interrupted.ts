import { constants } from 'node:os';

/** The runs that stop on SIGINT or SIGTERM and release what they started: `chaos`, `rehearse`, `demo`. */
export type HarnessName = 'chaos' | 'rehearse' | 'demo';

/** A harness run stopped by SIGINT (Ctrl-C) or SIGTERM; what it started has been stopped and released. */
export class HarnessInterrupted extends Error {
  /** The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). */
  readonly exitCode: number;

  constructor(
    readonly signal: NodeJS.Signals,
    readonly harness: HarnessName,
  ) {
    super(`${harness}: interrupted by ${signal}`);
    this.name = 'HarnessInterrupted';
    this.exitCode = 128 + (constants.signals[signal] ?? 0);
  }
}
