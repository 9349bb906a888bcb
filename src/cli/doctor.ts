import type { Command } from 'commander';
import { runChecks } from '../doctor/run-checks';
import { type Check, doctorExitCode } from '../doctor/verdicts';
import { type Printer, wrapAction } from './output';

const MARK: Record<Check['status'], string> = { ok: '✓', warn: '!', fail: '✗' };

/** `doctor`: what this machine has and lacks for the tool, and what to do about each lack. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check Node, Java, the emulators, SQLite, Chromium, ports and the data directory')
    .addHelpText(
      'after',
      '\nExits 0 when nothing failed (warnings do not fail), 3 when something is missing.\n\nExamples:\n  $ personalai-sync doctor\n  $ personalai-sync doctor --json\n',
    )
    .action(
      wrapAction(async (options) => {
        const checks = await runChecks({ dataDir: options.dataDir });
        const exitCode = doctorExitCode(checks);
        return {
          result: { checks, ok: exitCode === 0 },
          print: (r: { checks: Check[]; ok: boolean }, out: Printer) => {
            const width = Math.max(...r.checks.map((c) => c.name.length));
            for (const c of r.checks) {
              out.line(`${MARK[c.status]} ${c.name.padEnd(width)}  ${c.detail}`);
              if (c.fix && c.status !== 'ok') out.line(`  ${' '.repeat(width)}  → ${c.fix}`);
            }
            const failed = r.checks.filter((c) => c.status === 'fail').length;
            const warned = r.checks.filter((c) => c.status === 'warn').length;
            out.line(
              failed === 0
                ? `ready${warned > 0 ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}`
                : `${failed} problem${failed === 1 ? '' : 's'} to fix first`,
            );
          },
          exitCode,
        };
      }),
    );
}
