import { z } from 'zod';
import { DecimalString } from '../../model/decimal-string.ts';
import { defineMessage } from '../define-message.ts';

/** Equity, exposure and P&L of the whole account. */
export const PortfolioValued = defineMessage({
  type: 'portfolio.valued',
  topic: 'portfolio_updates',
  description: 'Equity, exposure and P&L of the account',
  payload: z
    .object({
      equityUsd: DecimalString,
      cashUsd: DecimalString,
      exposureUsd: DecimalString,
      realizedPnlUsd: DecimalString,
      unrealizedPnlUsd: DecimalString,
    })
    .strict(),
});
