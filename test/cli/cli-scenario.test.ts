import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/judge/describe-value';
import { backendArgs } from '../helpers/backend';
import { openInChromium } from '../helpers/browser';
import { collect, runCli, startCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/** `scenario run|check|fuzz` through the real CLI, against the test run's emulators. */
const LIBRARY = path.resolve(__dirname, '..', '..', 'scenarios');

describe('personalai-sync scenario', () => {
  const tempDir = useTempDir('cli-scenario-');
  const backend = () => [...backendArgs('cli-scenario'), '--data-dir', tempDir()];

  it('run: prints the seed first, passes, and writes JUnit and an HTML report that renders in Chromium', {
    timeout: 120_000,
  }, async () => {
    const junit = path.join(tempDir(), 'out', 'junit.xml');
    const html = path.join(tempDir(), 'out', 'report.html');
    const file = path.join(LIBRARY, 'three-devices-merge.yaml');
    const result = await runCli(
      [...backend(), 'scenario', 'run', file, '--junit', junit, '--report', html],
      {},
      110_000,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.split('\n')[0]).toBe(
      `▶ three devices edit one note concurrently (merge) — seed 703 (${file})`,
    );
    expect(result.stdout).toMatch(
      /✓ three devices edit one note concurrently \(merge\) \(seed 703\)/,
    );
    expect(result.stdout).toMatch(/all 11 invariants hold/); // the judge's 10 and batched-writes
    expect(result.stdout).toMatch(/^1 passed, 0 failed$/m);

    const xml = fs.readFileSync(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(11);
    expect(xml).not.toMatch(/<failure/);

    const opened = await openInChromium(html);
    try {
      const page = opened.page;
      const charts = page.locator('svg.timeline');
      const view = {
        charts: await Promise.all(
          Array.from({ length: await charts.count() }, (_, i) =>
            charts.nth(i).getAttribute('data-device'),
          ),
        ),
        conflicts: await page.locator('[data-kind="conflict"]').count(),
        offline: await page.locator('svg.timeline rect[data-mode]').count(),
        rows: await page.locator('table.invariants > tbody > tr').count(),
        text: (await page.locator('table.invariants').textContent()) ?? '',
      };
      expect(view.charts).toEqual(['alice/phone', 'alice/tablet', 'alice/laptop']);
      expect(view.conflicts).toBeGreaterThanOrEqual(1);
      expect(view.offline).toBeGreaterThanOrEqual(3);
      expect(view.rows).toBeGreaterThanOrEqual(10);
      expect(view.text).toMatch(/acknowledged-writes/);
    } finally {
      await opened.close();
    }
  });

  it('run --json: one document with the report; the same seed gives the same report (timings aside)', {
    timeout: 120_000,
  }, async () => {
    const file = path.join(LIBRARY, 'lost-acknowledgements.yaml');
    const first = await runCli([...backend(), '--json', 'scenario', 'run', file], {}, 110_000);
    const second = await runCli([...backend(), '--json', 'scenario', 'run', file], {}, 110_000);
    expect(first.code, first.stderr).toBe(0);
    const strip = (text: string) => {
      const doc = JSON.parse(text);
      for (const r of doc.result.scenarios) delete r.wallMs;
      return doc;
    };
    const a = strip(first.stdout);
    expect(a.status).toBe('ok');
    expect(a.result.scenarios[0]).toMatchObject({ seed: 404, passed: true });
    expect(a.result.scenarios[0].totals.acksLost).toBeGreaterThan(0);
    expect(strip(second.stdout)).toEqual(a);
  });

  it('a failing scenario exits 1 and prints the command that replays it', {
    timeout: 120_000,
  }, async () => {
    const file = path.join(tempDir(), 'wrong.yaml');
    fs.writeFileSync(
      file,
      'name: wrong expectation\nseed: 3\nusers:\n  - id: alice\n    devices: [phone]\nsteps:\n  - create: { device: phone, collection: text_notes, id: w1, fields: { title: real } }\n  - sync: phone\nexpect:\n  values:\n    - { collection: text_notes, id: w1, fields: { title: imagined } }\n',
    );
    const result = await runCli(
      [...backend(), '--seed', '9', 'scenario', 'run', file],
      {},
      110_000,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ expectations/);
    // Values read from the server are described, never quoted (they are personal data): kind,
    // size, fingerprint. The value the scenario file expected is the author's own: quoted. The
    // violation names the device and step that last wrote the record, as every other does.
    expect(result.stdout).toContain(
      `text_notes/w1 on alice/phone after #1 create text_notes/w1 on phone: title is a string of 4 characters (#${fingerprint('real')}); the scenario expected "imagined" (#${fingerprint('imagined')})`,
    );
    expect(result.stdout).not.toContain('real"');
    expect(result.stdout).toContain(`replay: npx personalai-sync scenario run ${file} --seed 9`);
  });

  it('a bad file exits 2 with file:line:column, before anything runs', {
    timeout: 60_000,
  }, async () => {
    const file = path.join(tempDir(), 'bad.yaml');
    fs.writeFileSync(
      file,
      'name: bad\nusers:\n  - id: alice\n    devices: [phone]\nsteps:\n  - sync: phone\n  - advance: soon\n',
    );
    const good = path.join(LIBRARY, 'blind-overwrite.yaml');
    // No emulator flags: a bad file must fail before the CLI even looks for one.
    const result = await runCli(['--data-dir', tempDir(), 'scenario', 'run', good, file], {
      FIRESTORE_EMULATOR_BINARY_PATH: '/nowhere',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${file}:7:14 steps[1].advance: a duration like 250ms, 30s, 15m, 6h or 7d`,
    );
    expect(result.stdout).toBe('');
  });

  it('check validates the whole library without an emulator', { timeout: 60_000 }, async () => {
    const result = await runCli(['scenario', 'check', LIBRARY]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').length).toBe(
      fs.readdirSync(LIBRARY).filter((f) => f.endsWith('.yaml')).length,
    );
  });

  it('fuzz: prints its seed first and judges every run', { timeout: 180_000 }, async () => {
    const result = await runCli(
      [
        ...backend(),
        '--seed',
        '77',
        'scenario',
        'fuzz',
        '--runs',
        '3',
        '--out',
        path.join(tempDir(), 'failures'),
      ],
      {},
      170_000,
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr.split('\n')[0]).toBe(
      `fuzz seed 77, 3 scenario(s); history: ${path.join(tempDir(), 'failures', 'history.jsonl')}`,
    );
    expect(result.stderr.match(/✓ run \d/g)).toHaveLength(3);
    expect(result.stdout).toMatch(/fuzz seed 77: 3 of 3 scenarios passed/);
  });

  it('fuzz --duration: a soak keeps a line per run, ends with a summary on Ctrl-C, and goes on from its history', {
    timeout: 240_000,
  }, async () => {
    const out = path.join(tempDir(), 'soak');
    const history = path.join(out, 'history.jsonl');
    const lines = () =>
      fs.existsSync(history)
        ? fs.readFileSync(history, 'utf8').trim().split('\n').filter(Boolean)
        : [];
    const soak = [...backend(), '--seed', '77', '--json', 'scenario', 'fuzz', '--out', out];
    const child = startCli([...soak, '--duration', '1h']);
    const done = collect(child, 200_000);
    // Ctrl-C once the first run is in the history: the run in progress finishes, then the summary.
    while (lines().length === 0) {
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code, stopped.stderr).toBe(130);
    const summary = JSON.parse(stopped.stdout).result;
    const kept = lines().map((l) => JSON.parse(l));
    expect(summary).toMatchObject({ seed: 77, stoppedBy: 'signal', firstRun: 0, failed: 0 });
    expect(summary.runs).toBeGreaterThanOrEqual(1);
    expect(kept.map((e) => e.run)).toEqual(Array.from({ length: summary.runs }, (_, i) => i));
    expect(kept.every((e) => e.seed === 77 && e.passed && e.steps > 0)).toBe(true);
    expect(summary.totals.steps).toBe(kept.reduce((n, e) => n + e.steps, 0));

    // The same seed and folder again: it goes on at the next run, for one more run.
    const more = await runCli([...soak, '--duration', '1s', '--runs', '1'], {}, 120_000);
    expect(more.code, more.stderr).toBe(0);
    const next = JSON.parse(more.stdout).result;
    expect(next).toMatchObject({ runs: 1, firstRun: summary.runs, stoppedBy: 'runs' });
    expect(lines()).toHaveLength(summary.runs + 1);
  });
});
