// Orders per minute of the same cluster on the same replayed market, without and with the
// chaos harness's fault schedule, and the time from each fault to the next panel decision.
// Two runs of `triplegain chaos` in one process, same seed, same replay start and speed.
import { parseChaosOptions } from '../src/chaos/chaos-options.ts';
import { runChaos } from '../src/chaos/run-chaos.ts';

const minutes = Number(process.env.CHAOS_BENCH_MINUTES ?? 3);
const seed = 1;
const quiet = () => undefined;

const perMinute = (orders: number, wallMs: number) => ((orders * 60_000) / wallMs).toFixed(1);
let failed = false;
for (const faults of [false, true]) {
  const summary = await runChaos(parseChaosOptions({ minutes, seed, faults }), quiet);
  const { totals } = summary;
  console.log(
    `${faults ? 'with faults   ' : 'without faults'}: ${perMinute(totals.orders, totals.wallMs)} orders/min (${totals.orders} orders in ${(totals.wallMs / 1000).toFixed(0)} s)`,
  );
  if (faults) for (const line of summary.lines) console.log(`  ${line}`);
  if (summary.failures.length > 0) {
    console.log(`  FAILED: ${summary.failures.join('; ')}`);
    failed = true;
  }
}
if (failed) process.exitCode = 1;
