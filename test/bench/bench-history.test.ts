import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendHistory, type HistoryEntry, readHistory } from '../../src/bench/history';
import { historyChartHtml } from '../../src/bench/history-chart';
import { openInChromium } from '../helpers/browser';
import { runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/** The parts of the DOM the page callback uses (the project compiles without the DOM lib). */
interface El {
  querySelectorAll(selector: string): ArrayLike<El>;
  querySelector(selector: string): El | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  textContent: string | null;
}
declare const document: El;

/** Issue 18: `bench` keeps a history of its ratios and draws them over time. */
const entry = (day: number, push: number, design: number): HistoryEntry => ({
  at: `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`,
  commit: `${day}`.padEnd(40, 'a'),
  machine: '2 × test cpu, 24 GiB, node v20',
  records: 10_000,
  runs: 3,
  ratios: {
    'push: ours / ceiling': { value: push, target: 0.8 },
    'push: ours / design': { value: design, target: 20 },
  },
});

describe('bench history', () => {
  const tempDir = useTempDir('bench-history-');

  it('appends one line per run and reads them back; a line cut short is counted, not fatal', () => {
    const file = path.join(tempDir(), 'nested', 'history.jsonl');
    expect(readHistory(file)).toEqual({ entries: [], unreadable: 0 });
    appendHistory(file, entry(1, 0.69, 31));
    fs.appendFileSync(file, '{"at": "2026-11-02T1');
    fs.appendFileSync(file, '\n');
    appendHistory(file, entry(3, 0.82, 35));
    const { entries, unreadable } = readHistory(file);
    expect(entries.map((e) => e.ratios['push: ours / ceiling'].value)).toEqual([0.69, 0.82]);
    expect(unreadable).toBe(1);
  });

  it('the chart: one figure per ratio, a point per run, its target dashed, misses in red (headless Chromium)', {
    timeout: 60_000,
  }, async () => {
    const file = path.join(tempDir(), 'history.html');
    fs.writeFileSync(
      file,
      historyChartHtml([entry(1, 0.69, 31), entry(2, 0.75, 18), entry(3, 0.82, 35)]),
    );
    const browser = await openInChromium(file);
    try {
      const found = await browser.page.evaluate(() => {
        const figures = Array.from(document.querySelectorAll('figure'));
        return {
          scripts: document.querySelectorAll('script').length,
          figures: figures.map((f) => {
            const box = f.querySelector('polyline')!.getBoundingClientRect();
            return {
              ratio: f.getAttribute('data-ratio'),
              points: f.querySelector('polyline')!.getAttribute('points')!.split(' ').length,
              missed: f.querySelectorAll('circle.missed').length,
              met: f.querySelectorAll('circle.met').length,
              targets: f.querySelectorAll('line.target').length,
              drawn: box.width > 100 && box.height > 0,
              tips: Array.from(f.querySelectorAll('circle title')).map((t) => t.textContent),
            };
          }),
        };
      });
      expect(found.scripts).toBe(0);
      expect(found.figures.map((f) => f.ratio)).toEqual([
        'push: ours / ceiling',
        'push: ours / design',
      ]);
      const [ceiling, design] = found.figures;
      expect(ceiling).toMatchObject({ points: 3, missed: 2, met: 1, targets: 1, drawn: true });
      expect(design).toMatchObject({ points: 3, missed: 1, met: 2, targets: 1, drawn: true });
      expect(ceiling.tips[2]).toBe('2026-11-03 10:00 3aaaaaa: 0.82×');
    } finally {
      await browser.close();
    }
  });

  it('each bench run appends to --history and redraws the chart beside it; --no-history records nothing', {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const history = path.join(dir, 'bench', 'history.jsonl');
    const bench = (...extra: string[]) =>
      runCli(['--json', 'bench', '--phases', 'local', '--records', '5', '--runs', '1', ...extra]);
    for (let n = 1; n <= 2; n += 1) {
      const result = await bench('--history', history);
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).result.history).toMatchObject({
        file: history,
        chart: path.join(dir, 'bench', 'history.html'),
        runs: n,
      });
    }
    const { entries } = readHistory(history);
    expect(entries).toHaveLength(2);
    expect(Object.keys(entries[0].ratios)).toContain('local: watermelon-sqlite / raw-sqlite');
    expect(entries[1].commit).toMatch(/^[0-9a-f]{40}$/);
    expect(fs.readFileSync(path.join(dir, 'bench', 'history.html'), 'utf8')).toContain('2 run(s)');
    const off = await bench('--history', history, '--no-history');
    expect(off.code, off.stderr).toBe(0);
    expect(JSON.parse(off.stdout).result.history.file).toBeNull();
    expect(readHistory(history).entries).toHaveLength(2);
  });
});
