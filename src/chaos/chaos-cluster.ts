import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../shared/project-root.ts';

export type ClusterRole = 'scheduler' | 'worker' | 'dashboard';

interface Member {
  name: string;
  role: ClusterRole;
  child: ChildProcess;
  /** The signal the harness sent it (a kill or a stop): its exit by that signal, or with code 0, is planned. */
  sent: NodeJS.Signals | undefined;
  /** Set once its exit has been counted as unplanned (a stop that timed out), so that it is counted once. */
  counted: boolean;
  exited: Promise<void>;
}

export interface ChaosClusterOptions {
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Arguments for `node` that run a process of `role`; default `bin/triplegain.mjs start --role <role>`. */
  command?: (role: ClusterRole) => string[];
}

/**
 * The processes of a chaos run: `triplegain start --role …` children of this process (in its
 * process group, so that a Ctrl-C or a kill of the group reaches them too), each logging to
 * `<logDir>/<name>.log`. Counts as unplanned every exit the harness did not cause: any exit of a
 * process it did not signal, and an exit of one it did signal other than a clean one (code 0)
 * or by the signal sent (a non-zero code, a crash such as SIGABRT or SIGSEGV while stopping).
 */
export class ChaosCluster {
  private readonly members = new Map<string, Member>();
  private readonly counters = new Map<ClusterRole, number>();
  readonly unplannedExits: string[] = [];

  constructor(private readonly options: ChaosClusterOptions) {}

  /** Starts one process of `role`; returns its name (`worker-3`). */
  start(role: ClusterRole): string {
    const n = (this.counters.get(role) ?? 0) + 1;
    this.counters.set(role, n);
    const name = `${role}-${n}`;
    const log = openSync(join(this.options.logDir, `${name}.log`), 'a');
    const args = this.options.command?.(role) ?? ['bin/triplegain.mjs', 'start', '--role', role];
    // JSON whatever `--log-format` the operator chose: the logs are read back line by line (`scanLogs`).
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      env: { ...this.options.env, LOG_FORMAT: 'json' },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const member: Member = {
      name,
      role,
      child,
      sent: undefined,
      counted: false,
      exited: new Promise((resolve) => {
        const gone = (description: string | undefined) => {
          this.members.delete(name);
          if (description !== undefined && !member.counted)
            this.unplannedExits.push(`${name} ${description} (log: ${name}.log)`);
          member.counted = true;
          resolve();
        };
        child.once('exit', (code, signal) => gone(exitDescription(member.sent, code, signal)));
        // Spawning itself failed (no 'exit' follows).
        child.once('error', (err) => {
          if (child.exitCode === null && child.signalCode === null && child.pid === undefined)
            gone(`could not start: ${err.message}`);
        });
      }),
    };
    this.members.set(name, member);
    return name;
  }

  /** Names of the running processes of `role`, oldest first. */
  running(role: ClusterRole): string[] {
    return [...this.members.values()].filter((m) => m.role === role).map((m) => m.name);
  }

  /** SIGKILLs `name` and waits until it is gone; false when it was not running. */
  async kill(name: string): Promise<boolean> {
    const member = this.members.get(name);
    if (!member) return false;
    member.sent = 'SIGKILL';
    member.child.kill('SIGKILL');
    await member.exited;
    return true;
  }

  /**
   * SIGTERM to every process (a graceful stop), SIGKILL to those still running after
   * `timeoutMs`; a process that had to be killed, or did not stop cleanly, is unplanned.
   */
  async stopAll(timeoutMs = 30_000): Promise<void> {
    const all = [...this.members.values()];
    for (const m of all) {
      m.sent = 'SIGTERM';
      m.child.kill('SIGTERM');
    }
    await Promise.all(
      all.map(async (m) => {
        const timer = setTimeout(() => {
          if (!m.counted)
            this.unplannedExits.push(`${m.name} did not stop within ${timeoutMs} ms of SIGTERM (log: ${m.name}.log)`);
          m.counted = true;
          m.sent = 'SIGKILL';
          m.child.kill('SIGKILL');
        }, timeoutMs);
        await m.exited;
        clearTimeout(timer);
      }),
    );
  }

  /** SIGKILL to every process still running, without waiting: the last resort of a harness on its way out. */
  killAllNow(): void {
    for (const m of this.members.values()) {
      m.sent = 'SIGKILL';
      m.child.kill('SIGKILL');
    }
  }
}

/** Why an exit is unplanned, or undefined when it is the one the harness asked for. */
function exitDescription(
  sent: NodeJS.Signals | undefined,
  code: number | null,
  signal: NodeJS.Signals | null,
): string | undefined {
  if (sent === undefined) return `exited with ${signal ?? `code ${code}`}`;
  if (signal === null) return code === 0 ? undefined : `stopped with code ${code}`;
  return signal === sent ? undefined : `died of ${signal} after ${sent}`;
}
