import type { BenchReport } from './run-bench';
import { modeText } from './watermelon-mode';

/** bench/RESULTS.md: the figures of one `bench` run, the machine, and the command that made them. */
export function resultsMarkdown(report: BenchReport, command: string): string {
  const m = report.machine;
  const lines = [
    '# Benchmark results',
    '',
    `Latest run: ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(report.durationMs / 1000)} s.`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGB} GiB RAM, ${m.platform}, Node ${m.node}.`,
    'Google’s Firestore emulator (a fresh one per measured run, warmed up first); the firebase-tools',
    'Storage emulator in-process. Medians of the measured runs; min–max in brackets.',
    '',
    `WatermelonDB: ${modeText(report.mode)}.`,
    '',
    '```sh',
    command,
    '```',
    '',
  ];
  for (const phase of report.phases) {
    lines.push(`## ${phase.phase}`, '');
    lines.push(
      '| contender | records | median | min–max | peak RSS | note |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
    );
    for (const c of phase.contenders) {
      const d = c.unit === 'MB/s' ? 1 : 0;
      lines.push(
        `| ${c.label} | ${fmt(c.records)} | ${fmt(c.rate.median, d)} ${c.unit} | ${fmt(c.rate.min, d)}–${fmt(c.rate.max, d)} | ${c.peakRssMB} MB | ${c.note ?? ''} |`,
      );
    }
    lines.push('');
    for (const r of phase.ratios)
      lines.push(
        `- **${r.name}: ${r.value.toFixed(2)}×**${r.target === null ? '' : ` (target ≥ ${r.target}×: ${r.met ? 'met' : 'missed'})`}`,
      );
    if (phase.phase === 'drain' && phase.extra)
      lines.push(
        `- going online → acknowledged, per record: p50 ${fmt(phase.extra.p50Ms ?? 0)} ms, p95 ${fmt(phase.extra.p95Ms ?? 0)} ms`,
      );
    if (phase.phase.startsWith('memory') && phase.extra)
      lines.push(
        `- **peak RSS ${phase.extra.maxRssMB} MB** for the first pull, in a process of its own (limit ${phase.extra.limitMB} MB: ${phase.extra.underLimit ? 'under' : 'over'}); the phase took ${fmt((phase.extra.phaseMs ?? 0) / 1000, 1)} s, seeding ${fmt((phase.extra.seedMs ?? 0) / 1000, 1)} s of it`,
      );
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}
