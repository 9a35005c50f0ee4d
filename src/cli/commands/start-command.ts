import type { Command } from 'commander';
import { openRuntime } from '../../runtime/open-runtime.ts';
import { startSystemEventRecorder } from '../../workers/system-event-recorder.ts';

/**
 * `triplegain start`: connects to (or starts) Redis, migrates the database, and runs the
 * services that exist so far until SIGINT/SIGTERM, then shuts down gracefully.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the cluster services in this process until stopped (SIGINT/SIGTERM)')
    .action(async () => {
      const rt = await openRuntime({
        configFile: program.opts<{ config?: string }>().config,
        allowEmbeddedRedis: true,
        withDatabase: true,
        service: 'triplegain',
      });
      const db = rt.database!.db;
      await startSystemEventRecorder({ bus: rt.bus, db });
      rt.bus.startMaintenance();
      await rt.bus.publish('system.alert_raised', {
        severity: 'info',
        code: 'process.started',
        message: 'triplegain process started',
        details: { pid: process.pid, mode: rt.config.app.mode, embeddedRedis: Boolean(rt.embeddedRedis), database: rt.database!.driver },
      });
      rt.logger.info({ symbols: rt.config.symbols.pairs }, 'triplegain started; stop with Ctrl-C');

      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      rt.logger.info('stopping');
      await rt.close();
      rt.logger.info('stopped');
    });
}
