import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';

/**
 * Who is changing a position's orders right now (`withPositionLock`): placing or replacing its
 * stop, placing an exit. One holder per account and symbol across the cluster; a holder that
 * died is replaced once its lease (wall time, the database's clock) has run out.
 */
export const positionLocks = pgTable(
  'position_locks',
  {
    account: text('account').notNull(),
    symbol: text('symbol').notNull(),
    /** A random token per acquisition: only the holder releases. */
    holder: text('holder').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.account, t.symbol] })],
);
