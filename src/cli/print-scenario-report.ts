import { formatDuration, formatDurationExact } from '../core/units';
import type { ScenarioReport } from '../scenario/run-scenario';
import type { Printer } from './output';

/** The exact command that replays a scenario run (same file, same seed). */
export function replayCommand(
  report: Pick<ScenarioReport, 'file' | 'seed'> & { defects?: string[] },
): string {
  const inject = report.defects?.length ? ` --inject ${report.defects.join(',')}` : '';
  return `npx personalai-sync scenario run ${report.file ?? '<file>'} --seed ${report.seed}${inject}`;
}

export function printScenarioReport(report: ScenarioReport, out: Printer): void {
  const t = report.totals;
  const mark = report.passed ? '✓' : '✗';
  out.line(
    `${mark} ${report.name} (seed ${report.seed}) — ${report.steps.length} steps, ${formatDurationExact(report.virtualMs)} virtual in ${formatDuration(report.wallMs)}`,
  );
  out.line(
    `  ${report.devices.length} device(s)${clientCount(report) ? ` (${clientCount(report)} on the client SDK)` : ''}; ${t.writes} writes, ${t.acknowledged} acknowledged; ${t.passes} sync passes, ${t.conflicts} conflicts, ${t.syncErrors} sync errors, ${t.crashes} crashes, ${t.acksLost} acks lost; healed in ${t.healRounds} round(s)${t.drained ? '' : ' (NOT drained)'}`,
  );
  const link = t.link;
  if (link && (link.blackHoleDeadlines > 0 || link.drops > 0))
    out.line(
      `  link: ${link.blackHoleDeadlines} call(s) failed at the deadline in a black hole, ${link.drops} dropped by a flaky link (virtual time)`,
    );
  // Not a simulated fault: the machine or the emulator stalled, so this run is not a faithful replay.
  if (link && link.emulatorStalls > 0)
    out.line(
      `  ⚠ the emulator did not answer ${link.emulatorStalls} call(s) within the real safety bound (EMULATOR_NOT_ANSWERING): this run may not replay its seed exactly`,
    );
  if (report.defects?.length)
    out.line(`  defects injected (test only): ${report.defects.join(', ')}`);
  for (const w of report.otherWrites ?? [])
    out.line(
      `  other writer at step #${w.step + 1} (${w.as}, ${w.format}): ${
        w.error
          ? `FAILED: ${w.error}`
          : `${w.documents} document(s) in ${w.commits} commit(s), ${formatDuration(w.wallMs ?? 0)}${
              w.stampLeadMs !== null
                ? `, stamped ${formatDuration(w.stampLeadMs)} before visible`
                : ''
            }`
      }`,
    );
  const skipped = report.steps.filter((s) => s.status === 'skipped');
  if (skipped.length > 0)
    out.line(
      `  ${skipped.length} step(s) skipped: ${skipped.map((s) => `${s.label} (${s.note})`).join('; ')}`,
    );
  const failing = report.invariants.filter((i) => !i.holds);
  if (failing.length === 0) {
    out.line(`  all ${report.invariants.length} invariants hold`);
    return;
  }
  for (const invariant of failing) {
    out.line(`  ✗ ${invariant.name} (${invariant.description}): ${invariant.count} violation(s)`);
    for (const v of invariant.violations.slice(0, 10)) {
      const where = [v.record, v.device && `on ${v.device}`, v.step && `after ${v.step}`]
        .filter(Boolean)
        .join(' ');
      out.line(`      ${where ? `${where}: ` : ''}${v.detail}`);
    }
    if (invariant.violations.length > 10)
      out.line(`      … and ${invariant.violations.length - 10} more`);
  }
  out.line(`  replay: ${replayCommand(report)}`);
}

function clientCount(report: ScenarioReport): number {
  return Object.values(report.sdks ?? {}).filter((sdk) => sdk === 'client').length;
}
