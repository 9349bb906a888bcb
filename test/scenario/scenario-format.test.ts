import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import { describeStep } from '../../src/scenario/describe-step';
import { DeviceClock } from '../../src/scenario/device-clock';
import { resolveDeviceRefs } from '../../src/scenario/device-refs';
import { generateScenario, parseGenerated } from '../../src/scenario/fuzz';
import { scenarioJsonSchema } from '../../src/scenario/json-schema';
import {
  loadScenarioFile,
  parseScenarioText,
  ScenarioFileError,
} from '../../src/scenario/load-scenario';

const LIBRARY = path.resolve(__dirname, '..', '..', 'scenarios');
const libraryFiles = fs
  .readdirSync(LIBRARY)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function problemsOf(text: string) {
  try {
    parseScenarioText(text, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioFileError);
    return (error as ScenarioFileError).problems;
  }
  throw new Error('the scenario was accepted');
}

const HEADER = 'name: t\nusers:\n  - id: alice\n    devices: [phone, tablet]\n';

describe('scenario files', () => {
  it('the library has at least 15 scenarios and every one is valid', () => {
    expect(libraryFiles.length).toBeGreaterThanOrEqual(15);
    for (const file of libraryFiles) {
      const scenario = loadScenarioFile(path.join(LIBRARY, file));
      expect(scenario.steps.length, file).toBeGreaterThan(0);
    }
  });

  it('names the line, column and field of each mistake, all at once', () => {
    const problems = problemsOf(
      `${HEADER}steps:\n  - create: { device: phone, collection: text_note, id: n1 }\n  - advance: 6 hours\n  - explode: now\n  - offline: { device: phone, mode: sideways }\nexpect:\n  records: { text_notes: -1 }\n`,
    );
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [6, 'steps[0].create.collection'],
      [7, 'steps[1].advance'],
      [8, 'steps[2]'],
      [9, 'steps[3].offline.mode'],
      [11, 'expect.records.text_notes'],
    ]);
    expect(problems[2].message).toMatch(/unknown action "explode"/);
    expect(problems[0].column).toBe(42);
  });

  it('rejects devices that do not exist, ambiguous names and a record id created by two users', () => {
    const problems = problemsOf(
      'name: t\nusers:\n  - id: alice\n    devices: [phone]\n  - id: bob\n    devices: [phone]\nsteps:\n  - sync: watch\n  - offline: phone\n  - create: { device: alice/phone, collection: text_notes, id: same }\n  - create: { device: bob/phone, collection: text_notes, id: same }\n',
    );
    expect(problems.map((p) => p.line)).toEqual([8, 9, 11]);
    expect(problems[0].message).toMatch(/no device or user "watch"/);
    expect(problems[1].message).toMatch(/ambiguous/);
    expect(problems[2].message).toMatch(/already created by alice/);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf(`${HEADER}steps:\n  - sync: [phone\n`);
    expect(problems[0].line).toBeGreaterThanOrEqual(6);
  });

  it('a file that cannot be read is bad input too', () => {
    expect(() => loadScenarioFile('/nonexistent/x.yaml')).toThrow(/Cannot read the scenario file/);
  });

  it('fills defaults and understands the short forms', () => {
    const s = parseScenarioText(
      `${HEADER}steps:\n  - offline: phone\n  - sync:\n  - advance: 1.5h\n  - generate: { device: alice, count: 10, rate: 30/min }\n`,
    );
    expect(s.steps).toEqual([
      { offline: { device: 'phone', mode: 'refuse' } },
      { sync: { device: 'all' } },
      { advance: 5_400_000 },
      { generate: { device: 'alice', count: 10, rate: 30 / 60_000 } },
    ]);
    expect(s.background).toBe(15 * 60_000);
    expect(s.strategy).toBe('remote-wins');
    expect(describeStep(s.steps[3], 3)).toBe('#4 generate 10 records on alice at 30/min');
  });

  it('a black hole may be the cutting kind; cut on a refused network is refused', () => {
    const s = parseScenarioText(
      `${HEADER}steps:\n  - offline: { device: phone, mode: blackhole, cut: true }\n`,
    );
    expect(s.steps).toEqual([{ offline: { device: 'phone', mode: 'blackhole', cut: true } }]);
    expect(describeStep(s.steps[0], 0)).toBe('#1 offline (blackhole, cut) phone');
    const problems = problemsOf(`${HEADER}steps:\n  - offline: { device: phone, cut: true }\n`);
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['steps[0].offline.cut', '`cut` applies to `mode: blackhole` only'],
    ]);
  });

  it('docs/scenario.schema.json is generated from the zod schema and accepts the library', () => {
    const published = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'scenario.schema.json'), 'utf8'),
    );
    expect(published, 'run npm run schema:scenario').toEqual(scenarioJsonSchema());
    const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(published);
    const { parse } = require('yaml') as typeof import('yaml');
    for (const file of libraryFiles) {
      const ok = validate(parse(fs.readFileSync(path.join(LIBRARY, file), 'utf8')));
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ name: 'x', users: [{ id: 'a', devices: ['p'] }], steps: [{ fly: 1 }] })).toBe(
      false,
    );
  });
});

describe('targets', () => {
  const devices = ['alice/phone', 'alice/tablet', 'bob/phone'].map((key) => ({ key }));
  it('resolves all, user/device, a unique device name, a user, and lists, in declared order', () => {
    expect(resolveDeviceRefs('all', devices)).toHaveLength(3);
    expect(resolveDeviceRefs('tablet', devices)).toEqual(['alice/tablet']);
    expect(resolveDeviceRefs('bob', devices)).toEqual(['bob/phone']);
    expect(resolveDeviceRefs(['bob/phone', 'alice'], devices)).toEqual([
      'alice/phone',
      'alice/tablet',
      'bob/phone',
    ]);
    expect(() => resolveDeviceRefs('phone', devices)).toThrow(/ambiguous/);
  });
});

describe('device clocks on virtual time', () => {
  it('offset and drift follow the scenario clock; sleeping moves only the device, never backwards', async () => {
    const world = new VirtualClock(1_000_000);
    const clock = new DeviceClock(world, 1_000_000, -3_600_000, 1000);
    expect(clock.now()).toBe(1_000_000 - 3_600_000);
    world.advance(1_000_000);
    expect(clock.now()).toBe(2_000_000 - 3_600_000 + 1000);
    await clock.sleep(30_000);
    expect(world.now()).toBe(2_000_000);
    expect(clock.now()).toBe(2_000_000 - 3_600_000 + 1000 + 30_000);
    world.advance(10_000);
    expect(clock.now()).toBe(2_000_000 - 3_600_000 + 1000 + 30_000); // the floor holds until time catches up
    world.advance(60_000);
    expect(clock.now()).toBe(2_070_000 - 3_600_000 + 1070);
  });
});

describe('fuzz scenarios', () => {
  it('the same seed and run give the same scenario; every generated scenario is valid', () => {
    expect(generateScenario(7, 3)).toEqual(generateScenario(7, 3));
    expect(generateScenario(7, 3)).not.toEqual(generateScenario(7, 4));
    const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(
      scenarioJsonSchema(),
    );
    for (let run = 0; run < 200; run += 1) {
      const input = generateScenario(20261125, run);
      expect(() => parseGenerated(input), `run ${run}`).not.toThrow();
      expect(validate(JSON.parse(JSON.stringify(input))), `run ${run}`).toBe(true);
    }
  });
});
