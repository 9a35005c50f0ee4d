import { constants } from 'node:os';

/** A chaos run stopped by SIGINT (Ctrl-C) or SIGTERM; what it started has been stopped and released. */
export class ChaosInterrupted extends Error {
  /** The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). */
  readonly exitCode: number;

  constructor(readonly signal: NodeJS.Signals) {
    super(`chaos: interrupted by ${signal}`);
    this.name = 'ChaosInterrupted';
    this.exitCode = 128 + (constants.signals[signal] ?? 0);
  }
}
