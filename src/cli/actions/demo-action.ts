import { publishDemoReport } from '../../demo/publish-demo-report.ts';
import { runDemo } from '../../demo/run-demo.ts';

export interface DemoActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  /** First bar, a UTC date. */
  from: string;
  /** Market days to replay, as typed. */
  days: string;
  /** Where the report goes. */
  reportDir: string;
}

/**
 * The work of `triplegain demo`: runs the replay, writes `demo-<from>-<days>d.html` and `.json`
 * to `reportDir`, prints the text report (its last line the audit's) and the replay time on
 * stderr. Exit code 1 when the audit of the books the replay left found a violation.
 */
export async function demoAction(options: DemoActionOptions): Promise<void> {
  const started = performance.now();
  const report = await runDemo({
    configFile: options.configFile,
    from: options.from,
    days: Number(options.days),
    reportDir: options.reportDir,
  });
  const code = await publishDemoReport(report, {
    reportDir: options.reportDir,
    days: options.days,
    print: (text) => console.log(text),
  });
  console.error(`(replayed in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (code !== 0) process.exitCode = code;
}
