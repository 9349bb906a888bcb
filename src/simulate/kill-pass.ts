import path from 'node:path';
import { onJsonLines, spawnTsChild } from './child-process';
import type { SyncChildConfig } from './sync-child';

const ENTRY = path.join(__dirname, 'sync-child.ts');

export interface KilledPass {
  /** Died by SIGKILL at the aimed point; false: the pass ended before reaching it. */
  killed: boolean;
  /** The SQL statement it died before (`sql-in-transaction`). */
  detail?: string;
  /** How far it got: the phase markers it printed, in order. */
  marks: string[];
  /** How many times it reached the aimed point (all of them when it was not killed). */
  reached: number;
  wallMs: number;
}

/**
 * Runs one sync pass of a device in a child process that kills itself with SIGKILL at
 * `config.killAt` (src/simulate/sync-child.ts). Resolves when the process is gone. A child that
 * fails otherwise (exit code, a signal it did not send itself, no answer within `limitMs`) is an
 * error of the simulation, with its stderr.
 */
export function syncPassInChild(config: SyncChildConfig, limitMs = 180_000): Promise<KilledPass> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawnTsChild(ENTRY, config);
    const marks: string[] = [];
    let selfKill: Record<string, unknown> | null = null;
    let done = false;
    let reached = 0;
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    onJsonLines(
      child.stdout,
      (event) => {
        if (event.ev === 'mark') marks.push(event.at as string);
        if (event.ev === 'self-kill') selfKill = event;
        if (event.ev === 'done') {
          done = true;
          reached = Number(event.reached ?? 0);
        }
      },
      (line) => {
        stderr += `(stdout) ${line}\n`;
      },
    );
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Date.now() - started;
      const killed = selfKill as Record<string, unknown> | null;
      if (signal === 'SIGKILL' && killed)
        return resolve({
          killed: true,
          detail: killed.detail as string | undefined,
          marks,
          reached: config.killAt.nth,
          wallMs,
        });
      if (code === 0 && done) return resolve({ killed: false, marks, reached, wallMs });
      reject(
        new Error(
          `the device's sync process failed (exit ${code ?? signal}${signal === 'SIGKILL' ? ', killed after its time limit' : ''}): ${stderr.trim().slice(-2000)}`,
        ),
      );
    });
  });
}
