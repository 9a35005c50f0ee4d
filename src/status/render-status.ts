import { formatTable } from '../shared/format-table.ts';
import { Dec } from '../positions/position-decimal.ts';
import type { BreakerStatus } from '../risk/risk-state.ts';
import type { DatabasePart, RedisPart, StatusDocument } from './status-document.ts';

/** An instant for people: `2026-12-07 14:03:09Z`; a dash for none. */
function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms === 0) return '-';
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** An amount of the cash asset, to the cent: `10234.50`. */
function amount(value: string): string {
  return new Dec(value).toFixed(2);
}

/** A P&L, signed: `+12.30`, `-4.00`. */
function pnl(value: string | null): string {
  if (value === null) return '-';
  const d = new Dec(value);
  return `${d.isNegative() && !d.isZero() ? '' : '+'}${d.toFixed(2)}`;
}

const label = (name: string) => name.padEnd(13);

function breaker(name: string, b: BreakerStatus): string {
  return b.tripped
    ? `${name} TRIPPED${b.trippedAtMs ? ` at ${when(b.trippedAtMs)}` : ''}${b.lossPct ? ` (loss ${b.lossPct} %)` : ''}`
    : `${name} armed`;
}

function redisLines(part: RedisPart): string[] {
  const c = part.control;
  const lines = [
    c.stored
      ? `${label('state')}${c.state} (version ${c.version}${c.requestedBy ? `, by ${c.requestedBy}` : ''}${c.reason ? `: ${c.reason}` : ''})${c.flatten ? ', flattening' : c.cancelOrders ? ', canceling orders' : ''}`
      : `${label('state')}UNKNOWN (none stored in Redis: nothing trades until a worker restores it from the database)`,
    `${label('paused')}${c.pausedQueues.join(', ') || 'none'}`,
    `${label('in flight')}${c.submissionsInFlight.length}`,
  ];
  if (c.protectionPending.length > 0)
    lines.push(
      `${label('stops pending')}${c.protectionPending.join(', ')} (entries wait until every position's stop is placed again)`,
    );
  lines.push(
    `${label('degradation')}${part.degradation.level}${part.degradation.consecutiveFailures > 0 ? ` (${part.degradation.consecutiveFailures} failures in a row)` : ''}`,
  );
  const r = part.risk;
  if (r === null) {
    lines.push(`${label('risk')}no risk decision yet`);
  } else {
    lines.push(`${label('risk')}${r.tradingState} (${r.account}, as of ${when(r.updatedAtMs)})`);
    lines.push(
      `${label('breakers')}${[breaker('daily loss', r.breakers.dailyLoss), breaker('weekly loss', r.breakers.weeklyLoss), breaker('drawdown', r.breakers.drawdown)].join(', ')}`,
    );
    if (r.cooldownUntilMs !== null)
      lines.push(
        `${label('cooldown')}no entries until ${when(r.cooldownUntilMs)} (${r.consecutiveLosses} losses in a row)`,
      );
    if (r.entriesPausedUntilMs !== null) lines.push(`${label('entries')}paused until ${when(r.entriesPausedUntilMs)}`);
  }
  return lines;
}

function databaseLines(part: DatabasePart): string[] {
  const p = part.portfolio;
  const lines = p
    ? [
        `${label('equity')}${amount(p.equityUsd)} (${part.account}, valued ${when(p.valuedAtMs)})`,
        `${label('cash')}${amount(p.cashUsd)}`,
        `${label('exposure')}${amount(p.exposureUsd)}`,
      ]
    : [`${label('equity')}not valued yet (${part.account})`];
  const t = part.today;
  lines.push(
    t
      ? `${label('today')}${pnl(t.pnlUsd)} (equity ${amount(t.equityUsd)} against ${amount(t.baseEquityUsd)} at ${when(t.baseAtMs)})`
      : `${label('today')}no valuation today`,
  );
  return lines;
}

function positionsTable(part: DatabasePart): string {
  if (part.positions.length === 0) return 'positions: none';
  const rows = part.positions.map((p) => [
    `#${p.id}`,
    p.symbol,
    p.side,
    p.quantity,
    p.avgEntryPrice,
    p.markPrice ?? '-',
    pnl(p.unrealizedPnlUsd),
    p.stop.stopLoss ?? p.stop.trailingStop ?? 'NONE',
    p.stop.onExchange ? `yes (${p.stop.order?.status ?? ''})` : p.stop.order ? `no (${p.stop.order.status})` : 'NO',
  ]);
  return `positions\n${formatTable(['id', 'pair', 'side', 'quantity', 'entry', 'mark', 'unrealized', 'stop', 'on exchange'], rows)}`;
}

function ordersTable(part: DatabasePart): string {
  if (part.openOrders.length === 0) return 'open orders: none';
  const rows = part.openOrders.map((o) => [
    o.symbol,
    o.side,
    o.type,
    o.purpose,
    o.quantity,
    o.filledQuantity,
    o.limitPrice ?? o.triggerPrice ?? '-',
    o.status,
    when(o.createdAtMs),
    o.clientOrderId,
  ]);
  return `open orders\n${formatTable(['pair', 'side', 'type', 'purpose', 'quantity', 'filled', 'price', 'status', 'created', 'client order id'], rows)}`;
}

function queuesTable(part: RedisPart): string {
  const rows = part.queues.map((q) => [
    q.name,
    String(q.waiting),
    String(q.active),
    String(q.delayed),
    String(q.failed),
    q.paused ? 'yes' : 'no',
  ]);
  return `queues\n${formatTable(['queue', 'waiting', 'active', 'delayed', 'failed', 'paused'], rows)}`;
}

function busTable(part: RedisPart): string {
  const rows = part.bus.flatMap((t) =>
    t.groups.map((g) => [
      t.topic,
      g.group,
      String(g.consumers),
      String(g.pending),
      `${g.lag}${g.lagExact ? '' : '+'}`,
      String(t.deadLetters),
    ]),
  );
  if (rows.length === 0) return 'bus: no consumer groups yet';
  return `bus\n${formatTable(['topic', 'group', 'consumers', 'pending', 'lag', 'dead letters'], rows)}`;
}

function decisionsTable(part: DatabasePart): string {
  if (part.decisions.length === 0) return 'last decisions: none';
  const rows = part.decisions.map((d) => [when(d.atMs), d.symbol, d.action, d.outcome, d.risk ?? '-', d.signalId]);
  return `last decisions\n${formatTable(['at', 'pair', 'action', 'outcome', 'risk', 'signal (triplegain explain <id>)'], rows)}`;
}

/**
 * The status document for people: the state lines, then tables of positions, open orders,
 * queues, bus groups and the last decisions. A part that is unavailable is said in one line
 * where its sections would be. Ends with a newline.
 */
export function renderStatus(doc: StatusDocument): string {
  const blocks: string[] = [];
  const head = [
    ...(doc.redis.available ? redisLines(doc.redis) : [`${label('redis')}UNAVAILABLE: ${doc.redis.error}`]),
    ...(doc.database.available
      ? databaseLines(doc.database)
      : [`${label('database')}UNAVAILABLE: ${doc.database.error}`]),
  ];
  blocks.push(head.join('\n'));
  if (doc.database.available) blocks.push(positionsTable(doc.database), ordersTable(doc.database));
  if (doc.redis.available) blocks.push(queuesTable(doc.redis), busTable(doc.redis));
  if (doc.database.available) blocks.push(decisionsTable(doc.database));
  return `${blocks.join('\n\n')}\n`;
}
