import { z } from 'zod';
import { ExchangeName } from '../model/exchange-name.ts';
import type { AppConfig } from '../config/app-config.ts';
import { PositiveDecimalString } from '../model/decimal-string.ts';

/**
 * Whose books the audit checks: the account (`execution.exchange`, the `orders.exchange` and
 * `positions.account` it writes) and, for the paper account, what its balances started from.
 * The paper settings are required when the account is `paper`.
 */
export const AuditContext = z
  .object({
    account: ExchangeName,
    paper: z
      .object({
        /** `execution.paper.startingCashUsd`: the cash asset's balance before the first fill. */
        startingCashUsd: PositiveDecimalString,
        /** `symbols.cashAsset`: the quote asset of every paper pair. */
        cashAsset: z.string().min(1),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => c.account !== 'paper' || c.paper !== undefined, {
    path: ['paper'],
    message: 'the paper account is audited against its starting cash and cash asset',
  });
export type AuditContext = z.infer<typeof AuditContext>;

/** The audit context of the configured account. */
export function auditContextOf(config: AppConfig): AuditContext {
  return AuditContext.parse({
    account: config.execution.exchange,
    paper: { startingCashUsd: config.execution.paper.startingCashUsd, cashAsset: config.symbols.cashAsset },
  });
}
