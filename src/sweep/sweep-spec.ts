import { z } from 'zod';
import { SWEEP_METRICS } from './sweep-metrics.ts';

/** A value a grid point gives a config path. */
/** One value of one config path: a list or a section is swept through its own items' paths. */
export const GridValue = z.union([z.number(), z.string(), z.boolean()], {
  error:
    'expected a number, a string or true/false: sweep a list or a section through its items’ paths (such as risk.x.0)',
});
export type GridValue = z.infer<typeof GridValue>;

/** What a sweep ranks its runs by (`SWEEP_METRICS`). */
export const SweepMetric = z.enum(SWEEP_METRICS);
export type SweepMetric = z.infer<typeof SweepMetric>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2021-11-01');

/** A config path: dotted keys, a list index as a number (`agents.decision.panel.0.params.fast`). */
const ConfigPath = z.string().regex(/^[A-Za-z][\w-]*(\.([A-Za-z][\w-]*|\d+))*$/);

/**
 * A sweep file (`sweep --grid sweep.yaml`): the period every run replays, the config the runs
 * start from, the grid of config values (every combination is one run) and the metric the
 * table is ranked by.
 *
 * ```yaml
 * from: 2021-11-01
 * days: 10            # or to: 2021-11-11
 * base: local.yaml    # optional, relative to this file
 * metric: sharpe
 * grid:
 *   llm.rules.stopLossAtr: [1.5, 2, 3]
 *   risk.maxPositionPct: [5, 10]
 * ```
 */
export const SweepSpec = z
  .object({
    from: isoDate,
    days: z.number().int().min(1).optional(),
    to: isoDate.optional(),
    /** A config file layered under every run (over `config/default.yaml`), relative to the sweep file. */
    base: z.string().min(1).optional(),
    metric: SweepMetric.default('strategyPnlUsd'),
    grid: z.record(z.string(), z.array(GridValue).min(1).max(100)).superRefine((grid, ctx) => {
      if (Object.keys(grid).length === 0)
        ctx.addIssue({ code: 'custom', message: 'give at least one config path and its values' });
      for (const path of Object.keys(grid))
        if (!ConfigPath.safeParse(path).success)
          ctx.addIssue({
            code: 'custom',
            path: [path],
            message: 'expected a dotted config path such as llm.rules.stopLossAtr',
          });
    }),
  })
  .strict()
  .refine((spec) => !(spec.days !== undefined && spec.to !== undefined), {
    message: 'give days or to, not both',
    path: ['to'],
  });
export type SweepSpec = z.infer<typeof SweepSpec>;
