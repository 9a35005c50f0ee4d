/** Uncovered time of one pair, ms of the stand-in's clock. */
export interface ProtectionGaps {
  /** Per tracked pair (`AssetPairs` key): the counted gap time, ms. */
  byPairMs: Record<string, number>;
  /** Σ over the pairs, minutes. */
  totalMinutes: number;
  /** Every gap that counted, in order: when it began and ended (null: still open), and what of it counted. */
  counted: { pair: string; startMs: number; endMs: number | null; countedMs: number }[];
}

interface Interval {
  startMs: number;
  /** null: still open. */
  endMs: number | null;
}

/**
 * Records, exactly, when each tracked pair's holding was unprotected (the account held more
 * of its base than the pair's minimum order and its resting sell stop-losses did not cover
 * holding − ordermin) and when the stand-in was in an outage. The account reports the state
 * after every change (fill, placement, cancel, dead man's switch); nothing is sampled.
 */
export class ProtectionTracker {
  private readonly gaps = new Map<string, Interval[]>();
  private readonly outages: Interval[] = [];

  /** The pair's state as of `atMs`; repeated states are ignored. */
  record(pair: string, uncovered: boolean, atMs: number): void {
    let intervals = this.gaps.get(pair);
    if (!intervals) this.gaps.set(pair, (intervals = []));
    const last = intervals.at(-1);
    const open = last !== undefined && last.endMs === null;
    if (uncovered && !open) intervals.push({ startMs: atMs, endMs: null });
    if (!uncovered && open) last.endMs = atMs;
  }

  /** An outage began (`on`) or ended at `atMs`. */
  recordOutage(on: boolean, atMs: number): void {
    const last = this.outages.at(-1);
    const open = last !== undefined && last.endMs === null;
    if (on && !open) this.outages.push({ startMs: atMs, endMs: null });
    if (!on && open) last.endMs = atMs;
  }

  /**
   * Each gap counts only beyond its first `graceMs` (a stop placed right after the fill is not
   * a gap), and not while an outage was on (the account could not act); open intervals run to
   * `nowMs`.
   */
  measure(graceMs: number, nowMs: number): ProtectionGaps {
    const byPairMs: Record<string, number> = {};
    const counted: ProtectionGaps['counted'] = [];
    let totalMs = 0;
    for (const [pair, intervals] of this.gaps) {
      let pairMs = 0;
      for (const gap of intervals) {
        const startMs = gap.startMs + graceMs;
        const endMs = gap.endMs ?? nowMs;
        if (endMs <= startMs) continue;
        const gapMs = endMs - startMs - this.outageWithin(startMs, endMs, nowMs);
        pairMs += gapMs;
        if (gapMs > 0) counted.push({ pair, startMs: gap.startMs, endMs: gap.endMs, countedMs: gapMs });
      }
      byPairMs[pair] = pairMs;
      totalMs += pairMs;
    }
    counted.sort((a, b) => a.startMs - b.startMs);
    return { byPairMs, totalMinutes: totalMs / 60_000, counted };
  }

  private outageWithin(startMs: number, endMs: number, nowMs: number): number {
    let ms = 0;
    for (const outage of this.outages) {
      const from = Math.max(startMs, outage.startMs);
      const to = Math.min(endMs, outage.endMs ?? nowMs);
      if (to > from) ms += to - from;
    }
    return ms;
  }
}
