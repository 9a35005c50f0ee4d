import { userInfo } from 'node:os';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { systemClock } from '../../clock/clock.ts';
import { openDatabase } from '../../db/open-database.ts';
import { closeQueues } from '../../queues/close-queues.ts';
import { shippedBookOf } from '../../market/instrument-book.ts';
import { openRuntime } from '../../runtime/open-runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import { exitCodeOf, renderTradeOutcome } from '../../trades/render-trade-outcome.ts';
import { TradeDesk } from '../../trades/trade-desk.ts';
import {
  CancelTradeRequest,
  CloseTradeRequest,
  OpenTradeRequest,
  parseTradeRequest,
} from '../../trades/trade-request.ts';

export interface TradeActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  action: 'open' | 'close' | 'cancel';
  /** The request's fields, as `TradeDesk` parses them (`OpenTradeRequest`, …), without the wait. */
  request: Record<string, unknown>;
  /** False with `--no-wait`. */
  wait: boolean;
  /** `--timeout`, seconds. */
  timeout: string;
  requestId?: string;
  json?: boolean;
}

/** The request fields as the command line names them, for error messages. */
const LABELS = {
  pair: '<pair>',
  usd: '--usd',
  stopPct: '--stop',
  takeProfitPct: '--take-profit',
  pct: '--pct',
  positionId: '<position>',
  order: '<order>',
  requestId: '--request-id',
  waitMs: '--timeout',
};

/** Error codes of a request the desk refused (as opposed to a fault): exit code 2. */
const REFUSALS: readonly string[] = ['COMMAND_REFUSED', 'CONTROL_STATE_UNKNOWN', 'NOT_FOUND'];

const REQUESTS = { open: OpenTradeRequest, close: CloseTradeRequest, cancel: CancelTradeRequest } as const;

/**
 * The work of `triplegain trade open|close|cancel`: validates the input before anything is
 * opened or written, then hands the request to a `TradeDesk` over Redis and the configured
 * database, requested by `cli:<user>`, prints the outcome (text or JSON) and sets the exit code
 * (`exitCodeOf`).
 */
export async function tradeAction(options: TradeActionOptions): Promise<void> {
  const seconds = options.timeout.trim();
  if (!/^\d+(\.\d+)?$/.test(seconds) || Number(seconds) > 120)
    throw new TriplegainError('INPUT_INVALID', `--timeout: expected seconds from 0 to 120, got "${options.timeout}"`);
  const waitMs = options.wait ? Math.round(Number(seconds) * 1000) : 0;
  const request = {
    ...options.request,
    waitMs,
    ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
  };
  // Before any connection is opened: a bad input costs nothing and writes nothing.
  parseTradeRequest(REQUESTS[options.action], request, LABELS);

  const rt = await openRuntime({
    configFile: options.configFile,
    service: 'cli',
    logger: createLogger({ level: 'warn', stderr: true }),
  });
  // Not migrated here: a trade needs the cluster's prices and positions, in a database its workers migrated.
  const database = await openDatabase({
    url: rt.config.database.url || undefined,
    pgliteDir: rt.config.database.pgliteDir,
    applicationName: 'triplegain-trade',
    connectTimeoutMs: rt.config.app.connectTimeoutMs,
  }).catch(async (err: unknown) => {
    await rt.close();
    throw err;
  });
  const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null });
  const queue = (name: string) => new Queue(name, { connection, prefix: rt.keys.queuePrefix });
  const riskQueue = queue('risk');
  const executionQueue = queue('execution');
  connection.on('error', () => undefined);
  try {
    const desk = new TradeDesk(
      {
        config: rt.config,
        db: database.db,
        bus: rt.bus,
        redis: rt.redis,
        keys: rt.keys,
        riskQueue,
        executionQueue,
        instruments: shippedBookOf(rt.config),
        clock: systemClock,
        logger: rt.logger,
      },
      LABELS,
    );
    const by = `cli:${userInfo().username}`;
    const outcome = await (
      options.action === 'open'
        ? desk.open(request, by)
        : options.action === 'close'
          ? desk.close(request, by)
          : desk.cancel(request, by)
    ).catch((err: unknown) => {
      // Refused by the desk (HALTED, the trading state unknown, no such position or order): exit code 2, like a denial.
      if (!(err instanceof TriplegainError) || !REFUSALS.includes(err.code)) throw err;
      process.exitCode = 2;
      if (options.json)
        process.stdout.write(`${JSON.stringify({ status: 'refused', code: err.code, error: err.message }, null, 2)}\n`);
      else process.stderr.write(`REFUSED: ${err.message}\n`);
      return undefined;
    });
    if (outcome) {
      process.stdout.write(options.json ? `${JSON.stringify(outcome, null, 2)}\n` : renderTradeOutcome(outcome));
      process.exitCode = exitCodeOf(outcome.status);
    }
  } finally {
    // A refusal can come before the queues' connection is up: closed ready, not mid-setup.
    await closeQueues([riskQueue, executionQueue]);
    connection.disconnect();
    await database.close();
    await rt.close();
  }
}
