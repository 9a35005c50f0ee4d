// A child process for logger tests: shows a status line on stdout (as the demo's progress bar
// does on a terminal), logs a warning carrying a secret-looking field, then ends the status line.
import { createLogger } from '../../src/shared/logger.ts';
import { endStatusLine, showStatusLine } from '../../src/shared/status-line.ts';

const logger = createLogger({ level: 'info' });
showStatusLine(process.stdout, '[#####.....]  50%');
logger.warn({ pair: 'XBT/USD', password: 'hunter2-hunter2' }, 'exchange unreachable');
endStatusLine(process.stdout);
