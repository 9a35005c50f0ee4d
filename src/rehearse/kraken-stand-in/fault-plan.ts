import { z } from 'zod';

/**
 * What the stand-in does to the next request of a method, instead of answering it plainly:
 *
 * - `timeoutAfterAccept`: processes it fully (an AddOrder IS placed), then never answers; the
 *   socket is destroyed after `hangMs`, long after the client's timeout.
 * - `serverError`: HTTP 502 with a gateway's HTML page; nothing processed.
 * - `dropConnection`: the socket is destroyed before anything is processed.
 * - `invalidNonce`: `EAPI:Invalid nonce` without processing (the nonce is not consumed).
 */
export const FaultKind = z.enum(['timeoutAfterAccept', 'serverError', 'dropConnection', 'invalidNonce']);
export type FaultKind = z.infer<typeof FaultKind>;

/** Faults scheduled by the caller, each applied once, in order, to the next request of its method. */
export class FaultPlan {
  private readonly queued = new Map<string, FaultKind[]>();

  /** Schedules `kind` for the next request of `method` (`AddOrder`, `Balance`, `AssetPairs`, …). */
  inject(method: string, kind: FaultKind): void {
    const kinds = this.queued.get(method) ?? [];
    kinds.push(FaultKind.parse(kind));
    this.queued.set(method, kinds);
  }

  /** The fault for this request of `method`, consumed; undefined when none is scheduled. */
  take(method: string): FaultKind | undefined {
    return this.queued.get(method)?.shift();
  }

  /** How many faults wait for the next requests of `method` (0: every one has landed). */
  pending(method: string): number {
    return this.queued.get(method)?.length ?? 0;
  }

  /** Drops every scheduled fault. */
  clear(): void {
    this.queued.clear();
  }
}
