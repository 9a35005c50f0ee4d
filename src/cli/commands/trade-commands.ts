import type { Command } from 'commander';

interface WaitOptions {
  wait: boolean;
  timeout: string;
  json?: boolean;
  requestId?: string;
}

/**
 * Manual trades that still pass risk: `trade open <pair> --usd <amount> [--stop <pct>]
 * [--take-profit <pct>]`, `trade close <position-id|pair> [--pct <pct>]`, `trade cancel
 * <order>`. Each waits (default 30 s, `--no-wait` not at all) for the risk decision and the
 * order's outcome and prints them; exit code 0 when the order went out (or the cancel landed),
 * 2 when denied, refused or rejected, 3 when still pending at the end of the wait, 1 on a bad
 * input (nothing written).
 */
export function registerTradeCommands(program: Command): void {
  const configFile = () => program.opts<{ config?: string }>().config;
  const trade = program
    .command('trade')
    .description(
      'manual trades: proposals with source operator, decided by risk and carried out by execution like any other',
    );
  const waiting = (command: Command) =>
    command
      .option('--timeout <seconds>', 'longest wait for the risk decision and the order, wall time', '30')
      .option('--no-wait', 'answer as soon as the request is queued')
      .option(
        '--request-id <id>',
        'names the request: sent again, the same trade is decided once (8–64 letters, digits, - or _)',
      )
      .option('--json', 'print the outcome as JSON');

  waiting(
    trade
      .command('open')
      .description(
        'buy <pair> at market for --usd, with a stop loss --stop % below the entry and a take profit --take-profit % above it',
      )
      .argument('<pair>', 'a pair the cluster trades, e.g. BTC/USD')
      .requiredOption('--usd <amount>', 'notional in USD, a decimal such as 250')
      .option('--stop <pct>', 'stop loss, % below the entry price (e.g. 2%)')
      .option('--take-profit <pct>', 'take profit, % above the entry price (e.g. 4%)'),
  ).action(async (pair: string, opts: WaitOptions & { usd: string; stop?: string; takeProfit?: string }) => {
    const { tradeAction } = await import('../actions/trade-action.ts');
    await tradeAction({
      configFile: configFile(),
      ...opts,
      action: 'open',
      request: { pair, usd: opts.usd, stopPct: opts.stop, takeProfitPct: opts.takeProfit },
    });
  });

  waiting(
    trade
      .command('close')
      .description(
        'sell (a share of) an open position at market, reduce-only: sized by the risk engine from what is held',
      )
      .argument(
        '<position>',
        "the position's id (e.g. 7 or #7, as status and explain show it) or its pair, e.g. BTC/USD",
      )
      .option('--pct <pct>', 'share of the position to close, % (e.g. 50%)', '100'),
  ).action(async (position: string, opts: WaitOptions & { pct: string }) => {
    const { tradeAction } = await import('../actions/trade-action.ts');
    // `#7` as status prints it, or `7`.
    const id = /^#?(\d+)$/.exec(position.trim())?.[1];
    const named = id !== undefined ? { positionId: Number(id) } : { pair: position };
    await tradeAction({ configFile: configFile(), ...opts, action: 'close', request: { ...named, pct: opts.pct } });
  });

  waiting(
    trade
      .command('cancel')
      .description('cancel one working order through the execution queue (never straight from here to the exchange)')
      .argument('<order>', 'its client order id or exchange order id'),
  ).action(async (order: string, opts: WaitOptions) => {
    const { tradeAction } = await import('../actions/trade-action.ts');
    await tradeAction({ configFile: configFile(), ...opts, action: 'cancel', request: { order } });
  });
}
