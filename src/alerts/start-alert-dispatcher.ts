import type { Bus } from '../bus/bus.ts';
import type { BusMessage } from '../bus/envelope.ts';
import type { TypesOfTopic } from '../bus/message-catalog.ts';
import type { Subscription } from '../bus/subscription.ts';
import { DEAD_LETTER_ALERT_CODE } from '../bus/report-dead-letter.ts';
import { describeDegradationChange } from '../degradation/describe-degradation-change.ts';
import type { NewAlert } from './alert.ts';
import type { AlertRaiser } from './alert-raiser.ts';

/** The consumer group (per topic) that turns bus messages into alerts. */
export const ALERTS_SERVICE = 'alerts';

type SystemEventType = TypesOfTopic<'system_events'>;
type Translation<T extends SystemEventType | 'risk.breaker_tripped'> = (message: BusMessage<T>) => NewAlert | null;

/** What every alert of a message shares: its id counts it once, its time, its chain. */
function occurrence(message: BusMessage): Pick<NewAlert, 'occurrenceId' | 'occurredAtMs' | 'correlationId'> {
  return { occurrenceId: message.id, occurredAtMs: message.tsMs, correlationId: message.correlationId || null };
}

/** One entry per `system_events` message type: a type added to the topic without one does not compile. */
const systemEventAlerts: { [T in SystemEventType]: Translation<T> } = {
  'coordinator.state_changed': (m) => {
    const p = m.payload;
    return {
      kind: 'trading_state_changed',
      subject: p.to,
      severity: p.to === 'HALTED' ? 'critical' : p.to === 'PAUSED' ? 'warning' : 'info',
      title: `trading ${p.from} → ${p.to}`,
      message: `${p.command} by ${p.requestedBy}${p.reason ? `: ${p.reason}` : ''}${p.cancelOrders ? '; open orders canceled' : ''}${p.flatten ? '; positions closed' : ''}`,
      details: { ...p },
      ...occurrence(m),
    };
  },
  'system.degradation_changed': (m) => {
    const { severity, message } = describeDegradationChange(m.payload);
    return {
      kind: 'degradation_changed',
      subject: m.payload.to,
      severity,
      title: `degradation ${m.payload.from} → ${m.payload.to}`,
      message,
      details: { ...m.payload },
      ...occurrence(m),
    };
  },
  'system.alert_raised': (m) => {
    const p = m.payload;
    if (p.code === DEAD_LETTER_ALERT_CODE) {
      const subject = `${String(p.details.topic ?? '?')}/${String(p.details.group ?? '?')}`;
      return {
        kind: 'message_dead_lettered',
        subject,
        severity: p.severity,
        title: `bus message dead-lettered on ${subject}`,
        message: p.message,
        details: p.details,
        ...occurrence(m),
      };
    }
    // Informational and warning events stay in the operational log; errors and worse page someone.
    if (p.severity !== 'error' && p.severity !== 'critical') return null;
    return {
      kind: 'system_alert',
      subject: p.code,
      severity: p.severity,
      title: p.code,
      message: p.message,
      details: p.details,
      ...occurrence(m),
    };
  },
};

/** The alert of a `system_events` message, by its type's entry in `systemEventAlerts`. */
function systemEventAlert<T extends SystemEventType>(message: BusMessage<T>): NewAlert | null {
  return systemEventAlerts[message.type](message);
}

const breakerAlert: Translation<'risk.breaker_tripped'> = (m) => {
  const p = m.payload;
  const halts = p.action === 'halt' || p.action === 'halt_and_close';
  return {
    kind: 'breaker_tripped',
    subject: p.breaker,
    severity: halts ? 'critical' : 'error',
    title: `risk breaker ${p.breaker} tripped: ${p.action}`,
    message: `loss ${p.lossPct} % reached the ${p.thresholdPct} % threshold of ${p.breaker}; ${p.action} is in force until reset`,
    details: { ...p },
    ...occurrence(m),
  };
};

/**
 * The one place that turns bus events into alerts: breaker trips (`risk_alerts`), trading-state
 * changes (halts and the rest of the kill switch), degradation changes, dead letters and other
 * error-level `system.alert_raised` (`system_events`). Raising is deduplicated per message id,
 * so a redelivered message is counted once; a raise that fails (Redis) fails the handler and
 * the bus delivers the message again.
 */
export async function startAlertDispatcher(deps: {
  bus: Bus;
  alerts: Pick<AlertRaiser, 'raise'>;
}): Promise<Subscription[]> {
  const raise = async (alert: NewAlert | null) => {
    if (alert) await deps.alerts.raise(alert);
  };
  const systemEvents = await deps.bus.subscribe({
    topic: 'system_events',
    service: ALERTS_SERVICE,
    handler: (message) => raise(systemEventAlert(message)),
  });
  const riskAlerts = await deps.bus.subscribe({
    topic: 'risk_alerts',
    service: ALERTS_SERVICE,
    types: ['risk.breaker_tripped'],
    handler: (message) => raise(breakerAlert(message)),
  });
  return [systemEvents, riskAlerts];
}
