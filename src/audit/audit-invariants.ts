import { exchangeOrdersRecorded } from './exchange-orders-recorded.ts';
import { fillAppliedOnce } from './fill-applied-once.ts';
import type { Invariant } from './invariant.ts';
import { oneOrderPerClientId } from './one-order-per-client-id.ts';
import { orderHasCause } from './order-has-cause.ts';
import { paperBalancesMatchFills } from './paper-balances-match-fills.ts';
import { positionMatchesFills } from './position-matches-fills.ts';
import { positionProtected } from './position-protected.ts';
import { reduceOnlyWithinPosition } from './reduce-only-within-position.ts';
import { reservationReleased } from './reservation-released.ts';
import { spotNeverShort } from './spot-never-short.ts';

/** Every invariant the audit checks, in the order it reports them: adding one is adding it here. */
export const auditInvariants: readonly Invariant[] = [
  oneOrderPerClientId,
  exchangeOrdersRecorded,
  orderHasCause,
  reduceOnlyWithinPosition,
  positionProtected,
  spotNeverShort,
  positionMatchesFills,
  fillAppliedOnce,
  paperBalancesMatchFills,
  reservationReleased,
];
