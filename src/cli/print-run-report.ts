import { formatDuration } from '../core/units';
import { DATA_TABLES } from '../db/schema-current';
import type { RunReport } from '../scenario/run-simulation';
import { formatBytes } from './format';
import type { Printer } from './output';

/** The human form of a run report: one table per collection, then totals and the verdict. */
export function printRunReport(report: RunReport, out: Printer): void {
  out.line(
    `personalai-sync run — seed ${report.seed}, user ${report.user}, ${report.devices.length} device${report.devices.length > 1 ? 's' : ''} (${report.devices.join(', ')}), strategy ${report.strategy}`,
  );
  const p = report.phases;
  // The phases are the run's plan; the last figure is the whole run, first sync pass included.
  out.line(
    `online ${formatDuration(p.onlineForMs)}, offline ${formatDuration(p.offlineForMs)}, then drained in ${formatDuration(p.drainMs)}; ${formatDuration(p.totalMs)} in all, ${report.passes} sync passes; seeded ${report.seeded}, recorded offline ${report.recordedOffline}`,
  );
  if (p.waitedForPassesMs > 0)
    out.line(
      `then waited ${formatDuration(p.waitedForPassesMs)} for a sync pass still running (its calls waiting out their deadlines and retries) before the next step`,
    );
  if (report.editedOffline > 0 || report.deletedOffline > 0)
    out.line(
      `edited offline ${report.editedOffline}, deleted offline ${report.deletedOffline} (existing records, every device's counted); conflicts ${report.conflicts.length}`,
    );
  if (report.interrupted)
    out.line(
      `stopped by a signal after ${report.cycles} online/offline cycle${report.cycles === 1 ? '' : 's'}: the figures cover the run up to then, and the drain after it`,
    );
  else if (report.cycles > 1) out.line(`${report.cycles} online/offline cycles`);
  out.line('');
  const several = report.devices.length > 1;
  const header = [
    'collection',
    several ? `on ${report.devices[0]}` : 'records',
    'pushed',
    'pulled',
    'conflicts',
    'failed',
    'pending',
    'time',
    'ack p50',
    'ack p95',
  ];
  const ms = (value: number | null) => (value === null ? '—' : formatDuration(value));
  const rows = DATA_TABLES.map((table) => {
    const c = report.collections[table];
    return [table, c.records, c.pushed, c.pulled, c.conflicts, c.failed, c.pending]
      .map(String)
      .concat(formatDuration(c.durationMs), ms(c.ackLatencyMs.p50), ms(c.ackLatencyMs.p95));
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ');
  out.line(format(header));
  for (const row of rows) out.line(format(row));
  out.line(
    `${several ? `records: on ${report.devices[0]}, the first device; ` : ''}time: summed over every pass${several ? ' of every device' : ''}; ack p50/p95: records recorded offline, from creation to the server's acknowledgement`,
  );
  out.line('');
  const n = report.network;
  out.line(
    `network: ${formatBytes(n.bytesUp)} up, ${formatBytes(n.bytesDown)} down, ${n.connections} connections, ${n.resets} reset`,
  );
  const injected = Object.entries(report.faultsInjected)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  if (injected || report.acksLost)
    out.line(`faults injected: ${injected || 'none'}; acknowledgements lost: ${report.acksLost}`);
  for (const crash of report.crashes)
    out.line(
      `crash: ${crash.device} died ${crash.point} at ${formatDuration(crash.atMs)} and was restarted`,
    );
  if (report.conflicts.length)
    out.line(`conflicts: ${report.conflicts.length} (${summarizeOutcomes(report)})`);
  const l = report.ackLatencyMs;
  if (l.count)
    out.line(
      `creation → server acknowledgement (${l.count} records recorded offline): p50 ${formatDuration(l.p50!)}, p95 ${formatDuration(l.p95!)}`,
    );
  const distinctErrors = [...new Set(report.errors.map((e) => e.code))];
  if (report.errors.length)
    out.line(`errors met and handled: ${report.errors.length} (${distinctErrors.join(', ')})`);
  const inv = report.invariants;
  out.line(
    inv.holds
      ? `invariants: all hold (${inv.checked.records} records on ${report.devices.length} device(s) and the server, ${inv.checked.files} files checked independently)`
      : `invariants: ${inv.count} VIOLATION(S)`,
  );
  const shown = inv.violations.slice(0, 20);
  for (const v of shown) {
    out.line(
      `  ${v.invariant}: ${v.collection ?? '-'}/${v.id ?? '-'}${v.device ? ` on ${v.device}` : ''}: ${v.detail}`,
    );
  }
  if (inv.count > shown.length)
    out.line(`  … and ${inv.count - shown.length} more (--json lists up to 100)`);
  out.line('');
  out.line(
    !report.drained
      ? `Result: ${report.pending} change(s) still pending (${report.errorsParked} parked in error). See the errors above; \`personalai-sync status\` shows them per collection.`
      : report.invariants.holds
        ? 'Result: nothing pending — every device and the server agree.'
        : `Result: nothing pending, but ${report.invariants.count} invariant violation(s): the devices and the server do not agree.`,
  );
}

function summarizeOutcomes(report: RunReport): string {
  const counts: Record<string, number> = {};
  for (const c of report.conflicts) counts[c.outcome] = (counts[c.outcome] ?? 0) + 1;
  return Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
