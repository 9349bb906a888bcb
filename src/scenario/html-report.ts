import { formatDuration, formatDurationShort } from '../core/units';
import type { InvariantResult, ScenarioViolation } from '../judge/verdict';
import { escapeXml as esc } from './junit';
import { type LogEntry, logEntries } from './run-log';
import type { ScenarioReport, TimelineEvent } from './run-scenario';
import { type TimelineAxis, timelineAxis } from './timeline-axis';

/**
 * One self-contained HTML page for a set of scenario runs: inline CSS and server-side SVG, no
 * scripts, fonts or remote assets, so the file can be attached to a CI run and opened anywhere
 * (a Content-Security-Policy makes the browser refuse anything else). Pure: no I/O.
 */
export interface HtmlReportOptions {
  title?: string;
}

/** Beyond this many devices the page would be a wall of charts; the rest go into a total. */
const MAX_CHARTS = 12;
/** A badly broken run can produce thousands of violations; the JSON/JUnit output has them all. */
const MAX_VIOLATIONS = 200;
/** The log lists at most this many entries; the JSON report has every one. */
const MAX_LOG_ROWS = 2000;
/** Events grouped into one marker list at most this many in its tooltip. */
const MAX_TOOLTIP_LINES = 10;
const KINDS: TimelineEvent['kind'][] = ['conflict', 'error', 'crash', 'cleanup', 'clock'];

type Offline = ScenarioReport['timeline']['offline'][number];

export function toHtml(reports: ScenarioReport[], options: HtmlReportOptions = {}): string {
  const title = options.title ?? 'Scenario report';
  // Failures first (a stable sort: the run's order otherwise), so a red run opens on what broke.
  const ordered = [...reports].sort((a, b) => Number(a.passed) - Number(b.passed));
  const failed = ordered.filter((r) => !r.passed).length;
  const violations = sum(ordered.flatMap((r) => r.invariants.map((i) => i.count)));
  const summary =
    ordered.length === 0
      ? 'No scenarios.'
      : `${ordered.length} scenario(s): ${ordered.length - failed} passed, ${failed} failed${failed > 0 ? `; ${violations} violation(s)` : ''}.`;
  const toc = ordered
    .map((r, i) => `<li><a href="#${sectionId(i)}">${r.passed ? '✓' : '✗'} ${esc(r.name)}</a></li>`)
    .join('');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${esc(title)}</h1>`,
    `<p class="summary ${failed > 0 ? 'failed' : 'passed'}">${summary}</p>`,
    failureIndex(ordered),
    toc ? `<ul class="toc">${toc}</ul>` : '',
    ...ordered.map(scenarioSection),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const sectionId = (index: number) => `scenario-${index + 1}`;
const invariantId = (index: number, invariant: string) =>
  `${sectionId(index)}-${cssIdent(invariant)}`;

/** Each failing scenario and, under it, a link to each broken invariant's violations. */
function failureIndex(ordered: ScenarioReport[]): string {
  const items = ordered.flatMap((r, index) => {
    if (r.passed) return [];
    const broken = r.invariants
      .filter((i) => !i.holds)
      .map((i) => `<a href="#${invariantId(index, i.name)}">${esc(i.name)} (${i.count})</a>`);
    return [
      `<li><a href="#${sectionId(index)}">✗ ${esc(r.name)}</a>${broken.length > 0 ? `: ${broken.join(', ')}` : ''}</li>`,
    ];
  });
  if (items.length === 0) return '';
  return `<nav class="failures"><h2>Failures</h2><ol>${items.join('')}</ol></nav>`;
}

function scenarioSection(r: ScenarioReport, index: number): string {
  const status = r.passed ? 'passed' : 'failed';
  // Defects injected into the engine (the harness's own tests) are part of what ran.
  const inject = r.defects?.length ? ` --inject ${r.defects.join(',')}` : '';
  const replay = r.file
    ? `<p class="replay">Replay: <code>npx personalai-sync scenario run ${esc(r.file)} --seed ${r.seed}${esc(inject)}</code></p>`
    : '';
  const axis = timelineAxis(r);
  return [
    `<section class="scenario ${status}" id="${sectionId(index)}" data-scenario="${esc(r.name)}">`,
    `<h2><span class="badge ${status}">${r.passed ? '✓ passed' : '✗ failed'}</span> ${esc(r.name)}</h2>`,
    facts(r),
    replay,
    // A failing scenario shows its verdict before its timelines.
    ...(r.passed ? [] : ['<h3>Invariants</h3>', invariantTable(r.invariants, index)]),
    '<h3>Timeline</h3>',
    timelines(r, axis),
    ...(r.passed ? ['<h3>Invariants</h3>', invariantTable(r.invariants, index)] : []),
    '<h3>Steps</h3>',
    stepsTable(r),
    logTable(r, axis),
    '</section>',
  ].join('\n');
}

function facts(r: ScenarioReport): string {
  const t = r.totals;
  const faults = Object.entries(t.faultsInjected)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const rows: Array<[string, string | number]> = [
    ['seed', r.seed],
    ['file', r.file ?? '—'],
    ['virtual time', formatDurationShort(r.virtualMs)],
    ['wall time', formatDuration(r.wallMs)],
    ['devices', r.devices.length],
    ['steps', r.steps.length],
    ['writes', t.writes],
    ['acknowledged', t.acknowledged],
    ['sync passes', t.passes],
    ['conflicts', t.conflicts],
    ['sync errors', t.syncErrors],
    ['crashes', t.crashes],
    ['acks lost', t.acksLost],
    ['faults injected', faults || 'none'],
    ['heal rounds', t.healRounds],
    ['drained', t.drained ? 'yes' : 'NO'],
    ...(r.defects?.length
      ? ([['defects injected (test only)', r.defects.join(', ')]] as Array<[string, string]>)
      : []),
  ];
  // A long fact (a file path, the faults or defects injected) takes two columns, so it wraps
  // between its words instead of inside them ("blind-overwrit e" in one column).
  const items = rows.map(
    ([k, v]) =>
      `<div${k.length + String(v).length > 24 ? ' class="wide"' : ''}><dt>${k}</dt><dd>${esc(String(v))}</dd></div>`,
  );
  return `<dl class="facts">${items.join('')}</dl>`;
}

// ——— timelines ———

function timelines(r: ScenarioReport, axis: TimelineAxis): string {
  const { samples, offline, events } = r.timeline;
  // One axis for all the charts of a scenario, so they line up vertically.
  const sampleXs = axis.place(samples, 'end');

  const chosen = chooseDevices(r);
  const parts = [LEGEND];
  const many = chosen.length < r.devices.length;
  if (many)
    parts.push(
      `<p class="note">${r.devices.length} devices: the ${chosen.length} with violations, events or the highest pending counts are drawn individually; the last chart shows the total pending over all ${r.devices.length} devices, with every device’s events. The table below lists every device.</p>`,
    );
  for (const device of chosen)
    parts.push(
      chart({
        cls: 'timeline',
        attrs: `data-device="${esc(device)}"`,
        caption: device,
        points: samples.map((s, i) => [sampleXs[i], s.pending[device] ?? 0]),
        offline: offline.filter((o) => o.device === device),
        events: events.filter((e) => e.device === device),
        axis,
        withDevice: false,
      }),
    );
  if (many)
    parts.push(
      chart({
        cls: 'timeline-total',
        attrs: `data-devices="${r.devices.length}"`,
        caption: `total pending over all ${r.devices.length} devices (offline windows not shaded)`,
        points: samples.map((s, i) => [sampleXs[i], sum(r.devices.map((d) => s.pending[d] ?? 0))]),
        offline: [],
        events,
        axis,
        withDevice: true,
      }),
    );
  parts.push(deviceTable(r));
  return parts.join('\n');
}

/** Devices worth a chart of their own: those with violations, then events, then peak pending. */
function chooseDevices(r: ScenarioReport): string[] {
  if (r.devices.length <= MAX_CHARTS) return r.devices;
  const violated = new Set(r.invariants.flatMap((i) => i.violations.map((v) => v.device)));
  const score = r.devices.map((device, index) => ({
    device,
    index,
    violated: violated.has(device) ? 1 : 0,
    events: r.timeline.events.filter((e) => e.device === device).length,
    peak: peakPending(r, device),
  }));
  score.sort(
    (a, b) =>
      b.violated - a.violated || b.events - a.events || b.peak - a.peak || a.index - b.index,
  );
  return score
    .slice(0, MAX_CHARTS)
    .sort((a, b) => a.index - b.index)
    .map((s) => s.device);
}

interface ChartInput {
  cls: string;
  attrs: string;
  caption: string;
  /** [x as a fraction of the plot's width, pending]. */
  points: Array<[number, number]>;
  offline: Offline[];
  events: TimelineEvent[];
  axis: TimelineAxis;
  /** The total chart mixes devices, so its tooltips name them. */
  withDevice: boolean;
}

// Geometry (SVG user units; the chart scales to the page width through its viewBox).
const W = 960;
const LEFT = 56;
const RIGHT = 24;
const LANE = 11;
const LANES_TOP = 4;
const PLOT_TOP = LANES_TOP + LANE * KINDS.length + 12;
const PLOT_H = 110;
const PLOT_BOTTOM = PLOT_TOP + PLOT_H;
const H = PLOT_BOTTOM + 34;

function chart(c: ChartInput): string {
  const plotW = W - LEFT - RIGHT;
  const x = (at: number) => round(LEFT + Math.min(Math.max(at, 0), 1) * plotW);
  let peak = 0;
  for (const [, v] of c.points) peak = Math.max(peak, v);
  const yMax = niceCeil(Math.max(1, peak));
  const y = (v: number) => round(PLOT_BOTTOM - (v / yMax) * PLOT_H);
  const over = c.axis.kind === 'step' ? 'by step' : 'over virtual time';
  const out: string[] = [
    `<figure class="chart"><figcaption>${esc(c.caption)} <span>· pending records ${over}</span></figcaption>`,
    `<svg class="${c.cls}" ${c.attrs} data-axis="${c.axis.kind}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`pending ${over}: ${c.caption}`)}">`,
  ];

  // Axes: y at 0, half and max; x at a "nice" time step (1m, 15m, 6h, …) or at each step's slot.
  for (const v of yMax % 2 === 0 ? [0, yMax / 2, yMax] : [0, yMax]) {
    out.push(
      `<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v)}" y2="${y(v)}"/>`,
      `<text class="y-label" x="${LEFT - 6}" y="${y(v) + 3}" text-anchor="end">${v}</text>`,
    );
  }
  for (const b of c.axis.bounds)
    out.push(`<line class="slot" x1="${x(b)}" x2="${x(b)}" y1="${PLOT_TOP}" y2="${PLOT_BOTTOM}"/>`);

  // Offline windows over the grid, under the line and the markers.
  for (const o of c.offline) {
    const [from, to] = c.axis.span(o);
    const x0 = x(from);
    const width = Math.max(1, x(to) - x0); // a zero-length window stays visible
    out.push(
      `<rect class="offline offline-${cssIdent(o.mode)}" data-mode="${esc(o.mode)}" x="${x0}" y="${PLOT_TOP}" width="${round(width)}" height="${PLOT_H}"><title>${esc(`offline (${o.mode}) from ${c.axis.where({ atMs: o.fromMs, step: o.fromStep })} to ${c.axis.where({ atMs: o.toMs, step: o.toStep })}`)}</title></rect>`,
    );
  }

  for (const tick of c.axis.ticks)
    out.push(
      `<line class="axis" x1="${x(tick.at)}" x2="${x(tick.at)}" y1="${PLOT_BOTTOM}" y2="${PLOT_BOTTOM + 4}"/>`,
      `<text class="x-label" x="${x(tick.at)}" y="${PLOT_BOTTOM + 15}" text-anchor="middle">${esc(tick.label)}</text>`,
    );
  out.push(
    `<line class="axis" x1="${LEFT}" x2="${W - RIGHT}" y1="${PLOT_BOTTOM}" y2="${PLOT_BOTTOM}"/>`,
    `<text class="axis-title" x="${W - RIGHT}" y="${PLOT_BOTTOM + 29}" text-anchor="end">x: ${esc(c.axis.title)}</text>`,
  );
  KINDS.forEach((kind, lane) => {
    out.push(
      `<text class="lane-label" x="${LEFT - 6}" y="${laneY(lane) + 3}" text-anchor="end">${kind}</text>`,
    );
  });

  // Pending as a step line: a sample's count holds until the next sample, then to the end.
  const pts: string[] = [];
  c.points.forEach(([at, v], i) => {
    if (i > 0) pts.push(`${x(at)},${y(c.points[i - 1][1])}`);
    pts.push(`${x(at)},${y(v)}`);
  });
  if (c.points.length > 0) pts.push(`${x(1)},${y(c.points[c.points.length - 1][1])}`);
  out.push(`<polyline class="pending" points="${pts.join(' ')}"/>`);

  out.push(...markers(c, x), '</svg></figure>');
  return out.join('\n');
}

function markers(c: ChartInput, x: (at: number) => number): string[] {
  // Group per kind and 3-pixel column: a thousand conflicts in one sync pass become one marker.
  const xs = c.axis.place(c.events);
  const groups = new Map<string, Array<{ e: TimelineEvent; cx: number }>>();
  c.events.forEach((e, i) => {
    const cx = x(xs[i]);
    const key = `${e.kind}|${Math.round(cx / 3)}`;
    const group = groups.get(key);
    if (group) group.push({ e, cx });
    else groups.set(key, [{ e, cx }]);
  });
  const out: string[] = [];
  for (const group of groups.values()) {
    const { e: first, cx } = group[0];
    const cy = laneY(Math.max(0, KINDS.indexOf(first.kind)));
    const line = (e: TimelineEvent) =>
      `${c.axis.where(e)}${c.withDevice || group.length > 1 ? ` ${e.device}` : ''}: ${e.detail}`;
    const tip =
      group.length === 1
        ? `${first.kind} at ${c.axis.where(first)} on ${first.device}: ${first.detail}`
        : [
            `${group.length} × ${first.kind}`,
            ...group.slice(0, MAX_TOOLTIP_LINES).map((g) => line(g.e)),
            ...(group.length > MAX_TOOLTIP_LINES
              ? [`… and ${group.length - MAX_TOOLTIP_LINES} more`]
              : []),
          ].join('\n');
    // A crash also gets a guide line through the plot: did the pending count react?
    const guide =
      first.kind === 'crash'
        ? `<line class="crash-line" x1="${cx}" x2="${cx}" y1="${cy}" y2="${PLOT_BOTTOM}"/>`
        : '';
    out.push(
      `<g class="marker kind-${first.kind}" data-kind="${first.kind}" data-count="${group.length}" data-at-ms="${first.atMs}" data-x="${cx}"><title>${esc(tip)}</title>${guide}${shape(first.kind, cx, cy)}</g>`,
    );
  }
  return out;
}

/** Distinct shapes, not just colours: diamond, circle, triangle, square. */
function shape(kind: TimelineEvent['kind'], cx: number, cy: number): string {
  const p = (dx: number, dy: number) => `${round(cx + dx)},${round(cy + dy)}`;
  switch (kind) {
    case 'conflict':
      return `<path d="M${p(0, -5)} L${p(5, 0)} L${p(0, 5)} L${p(-5, 0)} Z"/>`;
    case 'error':
      return `<circle cx="${cx}" cy="${cy}" r="4.2"/>`;
    case 'crash':
      return `<path d="M${p(0, -5)} L${p(5, 4)} L${p(-5, 4)} Z"/>`;
    default:
      return `<rect x="${round(cx - 4)}" y="${round(cy - 4)}" width="8" height="8"/>`;
  }
}

const laneY = (lane: number) => LANES_TOP + lane * LANE + LANE / 2;

const LEGEND = `<p class="legend">${KINDS.map(
  (k) =>
    `<svg class="legend-mark kind-${k}" viewBox="-6 -6 12 12" width="12" height="12" aria-hidden="true">${shape(k, 0, 0)}</svg> ${k}`,
).join(
  ' ',
)} <span class="swatch refuse"></span> offline (refuse) <span class="swatch blackhole"></span> offline (blackhole) <span class="swatch line"></span> pending</p>`;

function deviceTable(r: ScenarioReport): string {
  const rows = r.devices.map((device) => {
    const offline = r.timeline.offline.filter((o) => o.device === device);
    const offlineMs = sum(offline.map((o) => o.toMs - o.fromMs));
    const count = (kind: string) =>
      r.timeline.events.filter((e) => e.device === device && e.kind === kind).length;
    const last = r.timeline.samples[r.timeline.samples.length - 1];
    const violations = sum(
      r.invariants.map((i) => i.violations.filter((v) => v.device === device).length),
    );
    const cells = [
      peakPending(r, device),
      last?.pending[device] ?? 0,
      `${formatDurationShort(offlineMs)} (${offline.length})`,
      ...KINDS.map(count),
      violations,
    ];
    return `<tr data-device="${esc(device)}"><td>${esc(device)}</td>${cells.map((v) => `<td class="num">${esc(String(v))}</td>`).join('')}</tr>`;
  });
  const head = [
    'device',
    'peak pending',
    'final pending',
    'offline (windows)',
    ...KINDS,
    'violations',
  ];
  return `<table class="devices"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

// ——— invariants and steps ———

function invariantTable(invariants: InvariantResult[], index: number): string {
  // Broken invariants first (stable: the judge's order otherwise).
  const ordered = [...invariants].sort((a, b) => Number(a.holds) - Number(b.holds));
  const rows = ordered.map((i) => {
    const id = i.holds ? '' : ` id="${invariantId(index, i.name)}"`;
    const row = `<tr class="invariant ${i.holds ? 'pass' : 'fail'}"${id} data-invariant="${esc(i.name)}"><td class="name">${esc(i.name)}</td><td>${esc(i.description)}</td><td class="holds">${i.holds ? '✓' : '✗'}</td><td class="num">${i.count}</td></tr>`;
    if (i.holds) return row;
    const shown = i.violations
      .slice(0, MAX_VIOLATIONS)
      .map(
        (v) =>
          `<tr class="violation">${[v.record ?? '—', deviceCell(v), stepCell(v)]
            .map((cell) => `<td>${esc(cell)}</td>`)
            .join('')}<td>${esc(v.detail)}</td></tr>`,
      );
    const more =
      i.count > shown.length
        ? `<tr><td colspan="4" class="more">… and ${i.count - shown.length} more</td></tr>`
        : '';
    return `${row}<tr class="violations"><td colspan="4"><table class="violation-list"><thead><tr><th>record</th><th>device</th><th>step</th><th>detail</th></tr></thead><tbody>${shown.join('')}${more}</tbody></table></td></tr>`;
  });
  return `<table class="invariants"><thead><tr><th>invariant</th><th>description</th><th>holds</th><th>violations</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/**
 * Where a violation was found when it names no device: the server for what the judge read there
 * (files in Storage; a record an expectation looked up), the whole run for a count the scenario
 * expected. A dash only when nothing is known.
 */
function deviceCell(v: ScenarioViolation): string {
  if (v.device) return v.device;
  if (v.invariant === 'files') return 'server (Storage)';
  if (v.invariant === 'expectations') return v.record ? 'server' : 'whole run';
  return '—';
}

/** An expectation with no step is the scenario's `expect` section, checked after the heal. */
function stepCell(v: ScenarioViolation): string {
  if (v.step) return v.step;
  return v.invariant === 'expectations' ? 'expect (after the heal)' : '—';
}

function stepsTable(r: ScenarioReport): string {
  const skipped = r.steps.filter((s) => s.status === 'skipped').length;
  const rows = r.steps.map(
    (s) =>
      `<tr class="step ${s.status}"><td>${esc(s.label)}</td><td class="num" data-at-ms="${s.atMs}" title="${s.atMs} ms">${formatDurationShort(s.atMs)}</td><td>${s.status}</td><td>${esc(s.note ?? '')}</td></tr>`,
  );
  // Long scenarios start collapsed so the timelines and the verdict stay near each other.
  return `<details class="steps"${r.steps.length <= 60 ? ' open' : ''}><summary>${r.steps.length} step(s), ${skipped} skipped</summary><table class="steps"><thead><tr><th>step</th><th>at</th><th>status</th><th>note</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

/**
 * What happened, in order: each step, each device's sync passes and what they met (conflicts,
 * errors, crashes, cleanups, clock changes). Closed by default; a <details> needs no script.
 */
function logTable(r: ScenarioReport, axis: TimelineAxis): string {
  const entries = logEntries(r, axis.order);
  const counts = { step: 0, pass: 0, event: 0 };
  for (const e of entries) counts[e.source] += 1;
  const shown = entries
    .slice(0, MAX_LOG_ROWS)
    .map(
      (e: LogEntry) =>
        `<tr class="log-${e.source} kind-${cssIdent(e.kind)}"><td>${esc(axis.where(e))}</td><td>${esc(e.device ?? '—')}</td><td>${esc(e.kind)}</td><td>${esc(e.detail)}</td></tr>`,
    );
  const more =
    entries.length > shown.length
      ? `<tr><td colspan="4" class="more">… and ${entries.length - shown.length} more (the --json report has them all)</td></tr>`
      : '';
  const passesNote = r.timeline.passes ? '' : ' (this report did not record sync passes)';
  return `<details class="log"><summary>Log: ${entries.length} entries: ${counts.step} steps, ${counts.pass} passes, ${counts.event} events${passesNote}</summary><table class="log"><thead><tr><th>when</th><th>device</th><th>what</th><th>detail</th></tr></thead><tbody>${shown.join('')}${more}</tbody></table></details>`;
}

// ——— small helpers ———

function peakPending(r: ScenarioReport, device: string): number {
  let peak = 0;
  for (const s of r.timeline.samples) peak = Math.max(peak, s.pending[device] ?? 0);
  return peak;
}

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** 1, 2, 5, 10, 20, 50, … at or above v. */
function niceCeil(v: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= v) return m * magnitude;
  return 10 * magnitude;
}

/** Offline modes are free-form strings; keep class names to safe characters. */
function cssIdent(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_');
}

const CSS = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#fff}
body{margin:0 auto;max-width:1080px;padding:16px 24px 48px;line-height:1.4}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin:0 0 8px}h3{font-size:1rem;margin:20px 0 6px}
ul.toc{padding-left:20px}
p.summary{font-weight:600}p.summary.failed{color:#b91c1c}
nav.failures{border:1px solid #fecaca;background:#fef2f2;border-radius:6px;padding:8px 16px}
nav.failures h2{font-size:1rem;margin:4px 0}nav.failures ol{margin:4px 0;padding-left:20px}
details.log{margin-top:12px}details.log summary{cursor:pointer;font-weight:600}
tr.log-step td{background:#f9fafb;font-weight:600}tr.log-event.kind-conflict td:nth-child(3){color:#b45309}
tr.log-event.kind-error td:nth-child(3),tr.log-event.kind-crash td:nth-child(3){color:#b91c1c}
section.scenario{border:1px solid #e5e7eb;border-left:6px solid #16a34a;border-radius:6px;padding:16px 20px;margin:24px 0}
section.scenario.failed{border-left-color:#dc2626}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.8rem;color:#fff;background:#16a34a;vertical-align:middle}
.badge.failed{background:#dc2626}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:2px 16px;margin:0;font-size:.9rem}
dl.facts div{display:flex;gap:6px}dl.facts div.wide{grid-column:span 2}dt{color:#6b7280}dd{margin:0;font-weight:600;overflow-wrap:anywhere}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f3f4f6;padding:1px 4px;border-radius:3px}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:4px 0}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top;overflow-wrap:anywhere}
th{background:#f9fafb;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.holds{font-weight:700;text-align:center}
tr.invariant.pass td.holds{color:#16a34a}
tr.invariant.fail td{background:#fef2f2}tr.invariant.fail td.holds{color:#dc2626}
tr.violations>td{padding:0 0 10px 28px;background:#fff}
table.violation-list{font-size:.82rem}td.more{color:#6b7280}
table.violation-list th,table.violation-list td{overflow-wrap:break-word}
tr.step.skipped td{color:#92400e}
figure.chart{margin:6px 0 12px}figcaption{font-size:.85rem;font-weight:600}figcaption span{font-weight:400;color:#6b7280}
svg.timeline,svg.timeline-total{display:block;width:100%;height:auto;overflow:visible}
svg text{font-size:10px;fill:#6b7280}
svg text.axis-title{font-style:italic}
.slot{stroke:#e5e7eb;stroke-dasharray:3 3}
.pending{fill:none;stroke:#2563eb;stroke-width:1.6;stroke-linejoin:round}
.grid{stroke:#eef0f3}.axis{stroke:#9ca3af}
.offline{fill:#a855f7;fill-opacity:.18}
.offline[data-mode="refuse"]{fill:#f59e0b;fill-opacity:.22}
.offline[data-mode="blackhole"]{fill:#374151;fill-opacity:.28}
.kind-conflict{fill:#d97706}.kind-error{fill:#dc2626}.kind-crash{fill:#111827}.kind-cleanup{fill:#0891b2}.kind-clock{fill:#7c3aed}
.crash-line{stroke:#111827;stroke-width:1;stroke-dasharray:2 2}
p.note{font-size:.85rem;color:#4b5563}
.legend{font-size:.8rem;color:#4b5563}
.legend-mark{vertical-align:-1px}
.swatch{display:inline-block;width:14px;height:10px;vertical-align:-1px;margin-left:8px}
.swatch.refuse{background:rgba(245,158,11,.35)}.swatch.blackhole{background:rgba(55,65,81,.4)}
.swatch.line{height:2px;vertical-align:3px;background:#2563eb}
`;
