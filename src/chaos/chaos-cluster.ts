import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../shared/project-root.ts';

export type ClusterRole = 'scheduler' | 'worker' | 'dashboard';

interface Member {
  name: string;
  role: ClusterRole;
  child: ChildProcess;
  /** Set when the harness killed or stopped it: its exit is planned. */
  told: boolean;
  exited: Promise<void>;
}

/**
 * The processes of a chaos run: `triplegain start --role …` children of this process, each
 * logging to `<logDir>/<name>.log`. Counts every exit the harness did not cause (an exit code
 * or signal while it was not told to stop) as unplanned.
 */
export class ChaosCluster {
  private readonly members = new Map<string, Member>();
  private readonly counters = new Map<ClusterRole, number>();
  readonly unplannedExits: string[] = [];

  constructor(private readonly options: { env: NodeJS.ProcessEnv; logDir: string }) {}

  /** Starts one process of `role`; returns its name (`worker-3`). */
  start(role: ClusterRole): string {
    const n = (this.counters.get(role) ?? 0) + 1;
    this.counters.set(role, n);
    const name = `${role}-${n}`;
    const log = openSync(join(this.options.logDir, `${name}.log`), 'a');
    const child = spawn(process.execPath, ['bin/triplegain.mjs', 'start', '--role', role], { cwd: projectRoot, env: this.options.env, stdio: ['ignore', log, log] });
    closeSync(log);
    const member: Member = {
      name,
      role,
      child,
      told: false,
      exited: new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          this.members.delete(name);
          if (!member.told) this.unplannedExits.push(`${name} exited with ${signal ?? `code ${code}`} (log: ${name}.log)`);
          else if (signal === null && code !== 0) this.unplannedExits.push(`${name} stopped with code ${code} (log: ${name}.log)`);
          resolve();
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

  /** SIGKILLs `name` and waits until it is gone. */
  async kill(name: string): Promise<void> {
    const member = this.members.get(name);
    if (!member) return;
    member.told = true;
    member.child.kill('SIGKILL');
    await member.exited;
  }

  /**
   * SIGTERM to every process (a graceful stop), SIGKILL to those still running after
   * `timeoutMs`; a process that had to be killed, or stopped with a non-zero code, is unplanned.
   */
  async stopAll(timeoutMs = 30_000): Promise<void> {
    const all = [...this.members.values()];
    for (const m of all) {
      m.told = true;
      m.child.kill('SIGTERM');
    }
    await Promise.all(
      all.map(async (m) => {
        const timer = setTimeout(() => {
          this.unplannedExits.push(`${m.name} did not stop within ${timeoutMs} ms of SIGTERM (log: ${m.name}.log)`);
          m.child.kill('SIGKILL');
        }, timeoutMs);
        await m.exited;
        clearTimeout(timer);
      }),
    );
  }
}
