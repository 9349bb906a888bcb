import type { HistoryEntry } from './history';

/**
 * The history as a self-contained HTML page of small SVG charts, one per ratio (their scales
 * differ: ours / ceiling is near 1, ours / design near 20), each with its target as a dashed
 * line and a point per run (hover: date, commit, value). No script, no external reference.
 */
export function historyChartHtml(
  entries: HistoryEntry[],
  title = 'personalai-sync bench history',
): string {
  const names = [...new Set(entries.flatMap((e) => Object.keys(e.ratios)))].sort();
  const charts = names.map((name) => chart(name, entries)).join('\n');
  const last = entries[entries.length - 1];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222}
.grid{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0;border:1px solid #ddd;border-radius:6px;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}
.met{fill:#2a7}.missed{fill:#c33}.line{fill:none;stroke:#36c;stroke-width:2}
.target{stroke:#888;stroke-dasharray:4 3}
text{font-size:11px;fill:#555}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${entries.length} run(s)${last ? `, the last on ${esc(last.at.slice(0, 10))} (${esc(last.machine)})` : ''}. Each chart is one ratio over the runs; the dashed line is its target; a red point missed it.</p>
${entries.length === 0 ? '<p class="empty">No runs yet: <code>npx personalai-sync bench</code> adds one.</p>' : `<div class="grid">\n${charts}\n</div>`}
</body></html>
`;
}

const W = 360;
const H = 180;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };

function chart(name: string, entries: HistoryEntry[]): string {
  const points = entries
    .map((e, i) => ({ i, e, r: e.ratios[name] }))
    .filter((p): p is { i: number; e: HistoryEntry; r: HistoryEntry['ratios'][string] } => !!p.r);
  const target = points.find((p) => p.r.target !== null)?.r.target ?? null;
  const top = Math.max(target ?? 0, ...points.map((p) => p.r.value)) * 1.15 || 1;
  const x = (i: number) =>
    PAD.left +
    (entries.length <= 1
      ? (W - PAD.left - PAD.right) / 2
      : (i / (entries.length - 1)) * (W - PAD.left - PAD.right));
  const y = (v: number) => PAD.top + (1 - v / top) * (H - PAD.top - PAD.bottom);
  const line = points.map((p) => `${x(p.i).toFixed(1)},${y(p.r.value).toFixed(1)}`).join(' ');
  const dots = points
    .map((p) => {
      const missed = p.r.target !== null && p.r.value < p.r.target;
      return `<circle class="${missed ? 'missed' : 'met'}" cx="${x(p.i).toFixed(1)}" cy="${y(p.r.value).toFixed(1)}" r="3.5"><title>${esc(`${p.e.at.slice(0, 16).replace('T', ' ')}${p.e.commit ? ` ${p.e.commit.slice(0, 7)}` : ''}: ${p.r.value.toFixed(2)}×`)}</title></circle>`;
    })
    .join('');
  const axis = [0, top / 2, top]
    .map(
      (v) =>
        `<text x="${PAD.left - 4}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(v < 10 ? 2 : 0)}×</text>`,
    )
    .join('');
  const first = entries[0]?.at.slice(0, 10) ?? '';
  const lastAt = entries[entries.length - 1]?.at.slice(0, 10) ?? '';
  return `<figure data-ratio="${esc(name)}"><figcaption>${esc(name)}</figcaption>
<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(name)}">
<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#ccc"/>
${target === null ? '' : `<line class="target" x1="${PAD.left}" y1="${y(target).toFixed(1)}" x2="${W - PAD.right}" y2="${y(target).toFixed(1)}"/>`}
${axis}<text x="${PAD.left}" y="${H - 8}">${esc(first)}</text><text x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${esc(lastAt)}</text>
<polyline class="line" points="${line}"/>${dots}
</svg></figure>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
