import type { InvariantResult } from '../judge/verdict';
import type { ScenarioReport } from './run-scenario';

/**
 * JUnit XML for CI dashboards: one test suite per scenario, one test case per invariant, so a
 * dashboard shows *which* guarantee broke, not just that a scenario did. Pure: no I/O.
 */
export function toJunit(reports: ScenarioReport[]): string {
  const failures = (r: ScenarioReport) => r.invariants.filter((i) => !i.holds).length;
  const tests = reports.reduce((n, r) => n + r.invariants.length, 0);
  const failed = reports.reduce((n, r) => n + failures(r), 0);
  const wall = reports.reduce((n, r) => n + r.wallMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="personalai-sync scenarios" tests="${tests}" failures="${failed}" errors="0" time="${seconds(wall)}">`,
  ];
  for (const report of reports) {
    lines.push(
      `  <testsuite name="${attr(report.name)}" tests="${report.invariants.length}" failures="${failures(report)}" errors="0" skipped="0" time="${seconds(report.wallMs)}">`,
      '    <properties>',
    );
    if (report.file) lines.push(`      <property name="file" value="${attr(report.file)}"/>`);
    lines.push(`      <property name="seed" value="${report.seed}"/>`, '    </properties>');
    for (const invariant of report.invariants) lines.push(...testcase(report, invariant));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function testcase(report: ScenarioReport, invariant: InvariantResult): string[] {
  // The judge checks every invariant in one pass after the run, so there is no per-invariant
  // time to report; 0 keeps the suite time (the whole replay) from being counted twice.
  const open = `    <testcase classname="${attr(report.name)}" name="${attr(`${invariant.name}: ${invariant.description}`)}" time="0"`;
  if (invariant.holds) return [`${open}/>`];
  const message = `${invariant.count} violation(s) of ${invariant.name}`;
  return [
    `${open}>`,
    `      <failure message="${attr(message)}" type="invariant">${text(failureText(report, invariant))}</failure>`,
    '    </testcase>',
  ];
}

function failureText(report: ScenarioReport, invariant: InvariantResult): string {
  const lines = invariant.violations.map(
    (v) =>
      `- record ${v.record ?? '—'}, device ${v.device ?? '—'}, step ${v.step ?? '—'}: ${v.detail}`,
  );
  // The judge's count can exceed the listed violations if it ever truncates them.
  if (invariant.count > invariant.violations.length)
    lines.push(`… and ${invariant.count - invariant.violations.length} more`);
  // Without a file there is nothing to replay from (the scenario came from elsewhere).
  // Defects injected into the engine (the harness's own tests) are part of what ran.
  const inject = report.defects?.length ? ` --inject ${report.defects.join(',')}` : '';
  if (report.file)
    lines.push(
      '',
      `replay: npx personalai-sync scenario run ${report.file} --seed ${report.seed}${inject}`,
    );
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * Characters XML 1.0 forbids even as character references: C0 controls other than tab, LF and
 * CR, the non-characters U+FFFE/U+FFFF, and unpaired surrogates (with the u flag, a properly
 * paired surrogate is one code point and does not match).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\u{D800}-\u{DFFF}]/gu;

/** Escapes text for element content or a quoted attribute (also valid for HTML). */
export function escapeXml(value: string): string {
  return value
    .replace(FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;'); // not &apos;: HTML 4 lacks it, and the HTML report reuses this
}

const text = escapeXml;

/** Attribute values: parsers fold raw tabs and newlines into spaces, so keep them as references. */
function attr(value: string): string {
  return escapeXml(value).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}
