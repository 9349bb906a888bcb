import fs from 'node:fs';
import path from 'node:path';
import { type Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseDuration, parseProbability } from '../../src/cli/duration';
import { UsageError } from '../../src/cli/errors';
import { parseInteger, readGlobalOptions } from '../../src/cli/global-options';
import { buildProgram } from '../../src/cli/main';
import { parseFailRates, parseFaultKinds } from '../../src/cli/run';
import { parseRecordRate, parseStrategy } from '../../src/cli/run-options';
import { DatabaseUrlError, parseDatabaseUrl } from '../../src/db/database-url';
import {
  assertEmulatorProjectId,
  EndpointError,
  parseHostPort,
} from '../../src/emulators/endpoints';
import { EnvironmentError } from '../../src/emulators/environment-error';
import { parseScenarioText, ScenarioFileError } from '../../src/scenario/load-scenario';
import { FAULT_KINDS } from '../../src/simulate/fault-model';
import { CONFLICT_STRATEGIES } from '../../src/sync/conflict-resolver';

/**
 * Fuzzing of the scenario parser and of the CLI's parsers: no input makes them throw anything
 * but the project's own validation errors, and what they accept is sane (finite numbers, known
 * names). The project's own validation errors are the ones the CLI maps to a usage or
 * environment exit code on purpose (src/cli/errors.ts, exitCodeFor): UsageError, ScenarioFileError
 * (positional: file:line:col), EndpointError and DatabaseUrlError (exit 2), and
 * EnvironmentError for a project id that is not an emulator's (exit 3); commander's own
 * CommanderError for argv it cannot parse (exit 2). Fixed seed for CI; FUZZ_SEED=<n> replays
 * another, FUZZ_RUNS=<n> changes the number of runs per property (default 2000).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const params = { seed: SEED, numRuns: RUNS };
console.log(`parsers.property: seed ${SEED}, ${RUNS} runs per property (FUZZ_SEED / FUZZ_RUNS)`);

/** Runs `parse`; returns its result, or the error if it is one of `allowed` (else rethrows). */
function outcome<T>(
  parse: () => T,
  allowed: Array<new (...args: never[]) => Error>,
): { ok: true; value: T } | { ok: false; error: Error } {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (allowed.some((type) => error instanceof type)) return { ok: false, error: error as Error };
    throw error;
  }
}

/** Every number anywhere in `value` is finite (durations, rates, offsets, field values). */
function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

function checkScenario(text: string) {
  const result = outcome(() => parseScenarioText(text, 'fuzz.yaml'), [ScenarioFileError]);
  if (result.ok) {
    expect(allFinite(result.value)).toBe(true);
    return true;
  }
  const error = result.error as ScenarioFileError;
  expect(error.problems.length).toBeGreaterThan(0);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const problem of error.problems) {
    expect(Number.isInteger(problem.line) && problem.line >= 1).toBe(true);
    expect(problem.line).toBeLessThanOrEqual(lines + 1);
    expect(Number.isInteger(problem.column) && problem.column >= 1).toBe(true);
    expect(error.message).toContain(`fuzz.yaml:${problem.line}:${problem.column}`);
  }
  return false;
}

/** Numbers with up to 400 digits (beyond a double's range), with or without a unit. */
const hugeNumberArb = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.integer({ min: 1, max: 400 }),
    fc.constantFrom('', 'ms', 's', 'm', 'h', 'd', '/s', '/min', '/h'),
  )
  .map(([sign, digits, unit]) => `${sign}${'9'.repeat(digits)}${unit}`);

const YAML_TOKENS = [
  'name: x',
  'users:',
  '- id: alice',
  '  devices: [phone, laptop]',
  'steps:',
  '- advance: 5m',
  '- sync: all',
  '- offline: { device: phone }',
  '- create: { device: phone, collection: text_notes, id: n1, fields: { content: hi } }',
  'expect:',
  '  conflicts: 0',
  ':',
  '-',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '*b',
  '<<: *a',
  '!!str ',
  '!!binary ',
  '!custom ',
  '|',
  '>-',
  '? ',
  '#',
  '"',
  "'",
  '\\u0000',
  '%YAML 1.2',
  '---',
  '...',
  '.nan',
  '.inf',
  '-.inf',
  '1e400',
  '9'.repeat(330),
  '0x1F',
  '~',
  '\t',
  '  ',
  '\n',
  '\r\n',
  '__proto__: {}',
];
const yamlSoupArb = fc
  .array(fc.oneof(fc.constantFrom(...YAML_TOKENS), fc.string({ maxLength: 6 })), {
    maxLength: 30,
  })
  .map((parts) => parts.join(''));

/** The scenarios shipped in scenarios/: the bases of near-valid scenarios. */
const BASES: unknown[] = fs
  .readdirSync(path.join(__dirname, '..', '..', 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) =>
    YAML.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'scenarios', f), 'utf8')),
  );

/** Paths to every node of a JSON-like tree. */
function pathsOf(
  value: unknown,
  prefix: Array<string | number> = [],
): Array<Array<string | number>> {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => pathsOf(v, [...prefix, i])));
  if (value && typeof value === 'object')
    return here.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...prefix, k])));
  return here;
}

const scenarioValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '5m',
    '-5m',
    '0s',
    '99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999d',
    '10/s',
    `${'9'.repeat(330)}/s`,
    'all',
    'phone',
    'alice/phone',
    'nobody/phone',
    'text_notes',
    'merge',
    'ask-user',
    'push',
    '',
  ),
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 31, 1e308),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

/** A shipped scenario with one node replaced, removed, or given an unknown sibling. */
const nearValidArb = fc
  .record({
    base: fc.constantFrom(
      ...BASES.map((base) => ({ text: YAML.stringify(base), paths: pathsOf(base).slice(1) })),
    ),
    pick: fc.nat(),
    how: fc.constantFrom('replace', 'delete', 'add'),
    value: scenarioValueArb,
    key: fc.oneof(fc.constantFrom('device', 'id', 'fields', 'extra'), fc.string({ maxLength: 8 })),
  })
  .map(({ base, pick, how, value, key }) => {
    const target = base.paths[pick % base.paths.length];
    const parent = YAML.parseDocument(base.text);
    if (how === 'replace') parent.setIn(target, value);
    if (how === 'delete') parent.deleteIn(target);
    if (how === 'add') {
      const node = parent.getIn(target.slice(0, -1));
      if (YAML.isMap(node)) parent.setIn([...target.slice(0, -1), key], value);
      else parent.setIn(target, value);
    }
    return parent.toString();
  });

const safeStringify = (value: unknown): string | null => {
  try {
    const text: unknown = YAML.stringify(value);
    return typeof text === 'string' ? text : null; // undefined for undefined
  } catch {
    return null;
  }
};

describe('scenario parser (property-based)', () => {
  it('the shipped scenarios parse (the bases of the near-valid ones)', () => {
    expect(BASES.length).toBeGreaterThan(5);
    for (const base of BASES) expect(checkScenario(YAML.stringify(base))).toBe(true);
  });

  it('arbitrary text throws only ScenarioFileError, with file:line:col', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        checkScenario(text);
      }),
      params,
    );
  });

  it('a soup of YAML syntax (anchors, aliases, tags, flow, directives) throws only ScenarioFileError', () => {
    fc.assert(
      fc.property(yamlSoupArb, (text) => {
        checkScenario(text);
      }),
      params,
    );
  });

  it('any YAML-serialised value throws only ScenarioFileError', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        const text = safeStringify(value);
        if (text !== null) checkScenario(text);
      }),
      params,
    );
  });

  it('a shipped scenario with one field mutated parses, or throws only ScenarioFileError', () => {
    let accepted = 0;
    fc.assert(
      fc.property(nearValidArb, (text) => {
        if (checkScenario(text)) accepted += 1;
      }),
      params,
    );
    console.log(`  near-valid: ${accepted} of ${RUNS} accepted`);
    expect(accepted).toBeGreaterThan(0);
  });

  it('durations, rates and clock offsets of any spelling: finite, or a ScenarioFileError', () => {
    const template = (slot: string, value: string) => {
      const v = JSON.stringify(value);
      const at = (name: string) => (slot === name ? v : null);
      return [
        'name: durations',
        `background: ${at('background') ?? '15m'}`,
        `deadline: ${at('deadline') ?? '1500'}`,
        'users:',
        '  - id: alice',
        `    devices: [{ id: phone, clockOffset: ${at('clockOffset') ?? '-5m'} }, laptop]`,
        'steps:',
        `  - advance: ${at('advance') ?? '5m'}`,
        `  - generate: { device: phone, count: 3, rate: ${at('rate') ?? '10/s'} }`,
        `  - flaky: { device: laptop, latency: ${at('latency') ?? '80ms'}, jitter: 0 }`,
        `  - cleanup: { device: phone, olderThan: ${at('olderThan') ?? '7d'} }`,
      ].join('\n');
    };
    const slotArb = fc.constantFrom(
      'background',
      'deadline',
      'clockOffset',
      'advance',
      'rate',
      'latency',
      'olderThan',
    );
    const spellingArb = fc.oneof(
      hugeNumberArb,
      fc.stringMatching(/^-?\d{1,400}(\.\d{1,5})?(ms|s|m|h|d|\/s|\/min|\/h)?$/),
      fc.string({ maxLength: 12 }),
    );
    let accepted = 0;
    fc.assert(
      fc.property(slotArb, spellingArb, (slot, value) => {
        if (checkScenario(template(slot, value))) accepted += 1;
      }),
      params,
    );
    console.log(`  durations: ${accepted} of ${RUNS} accepted`);
    expect(accepted).toBeGreaterThan(0);
  });

  it('aliases that expand exponentially or point nowhere are a ScenarioFileError, not a crash', () => {
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    expect(() => parseScenarioText(laughs, 'laughs.yaml')).toThrow(/laughs\.yaml:2:\d+ .*alias/);
    expect(() => parseScenarioText('name: *nowhere', 'alias.yaml')).toThrow(
      /alias\.yaml:1:7 Unresolved alias/,
    );
  });
});

const textArb = fc.oneof(
  hugeNumberArb,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^-?\d{1,400}(\.\d{1,5})?(ms|s|m|h|d|\/s|\/min|\/h)?$/),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-0',
    '1e3',
    'NaN',
    'Infinity',
    '0x10',
    '.5',
    '1.',
    '9'.repeat(400),
  ),
);

describe('CLI parsers (property-based)', () => {
  it('numbers, durations, rates and strategies: UsageError or a sane value', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 0, max: 5 }), (text, min) => {
        const int = outcome(() => parseInteger('--n', text, min), [UsageError]);
        if (int.ok) expect(Number.isSafeInteger(int.value) && int.value >= min).toBe(true);
        const duration = outcome(() => parseDuration('--d', text), [UsageError]);
        if (duration.ok)
          expect(Number.isSafeInteger(duration.value) && duration.value >= 0).toBe(true);
        const rate = outcome(() => parseProbability('--r', text), [UsageError]);
        if (rate.ok) expect(rate.value >= 0 && rate.value <= 1).toBe(true);
        const recordRate = outcome(() => parseRecordRate(text), [UsageError]);
        if (recordRate.ok)
          expect(Number.isFinite(recordRate.value) && recordRate.value >= 0).toBe(true);
        const strategy = outcome(() => parseStrategy(text), [UsageError]);
        if (strategy.ok) expect(CONFLICT_STRATEGIES).toContain(strategy.value);
      }),
      params,
    );
  });

  it('fault options: UsageError, or only known operations and kinds with rates in [0, 1]', () => {
    const listArb = fc
      .array(
        fc.oneof(
          fc.constantFrom('pull', 'push', 'upload', ...FAULT_KINDS, '__proto__', 'toString'),
          fc.string({ maxLength: 6 }),
        ),
        { maxLength: 4 },
      )
      .chain((names) =>
        fc
          .tuple(
            ...names.map((n) => fc.tuple(fc.constant(n), fc.oneof(textArb, fc.constant('0.5')))),
          )
          .map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join(',')),
      );
    fc.assert(
      fc.property(fc.oneof(textArb, listArb), (text) => {
        const rates = outcome(() => parseFailRates(text), [UsageError]);
        if (rates.ok) {
          expect(Object.keys(rates.value).sort()).toEqual(['pull', 'push', 'upload']);
          for (const rate of Object.values(rates.value)) expect(rate >= 0 && rate <= 1).toBe(true);
        }
        const kinds = outcome(() => parseFaultKinds(text.replace(/=[^,]*/g, '')), [UsageError]);
        if (kinds.ok) for (const kind of kinds.value) expect(FAULT_KINDS).toContain(kind);
      }),
      params,
    );
  });

  it('endpoints, project ids and database URLs: their own errors, or a well-formed value', () => {
    const endpointArb = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc
        .tuple(
          fc.oneof(
            fc.constantFrom('127.0.0.1', 'localhost', '[::1]', '[', 'http://x'),
            fc.string({ maxLength: 10 }),
          ),
          fc.oneof(fc.integer({ min: -1, max: 100_000 }).map(String), fc.string({ maxLength: 6 })),
        )
        .map(([host, port]) => `${host}:${port}`),
    );
    fc.assert(
      fc.property(
        endpointArb,
        fc.constantFrom('flag', 'env') as fc.Arbitrary<'flag' | 'env'>,
        (text, origin) => {
          const hostPort = outcome(() => parseHostPort(text, origin), [EndpointError]);
          if (hostPort.ok) {
            const port = Number(hostPort.value.slice(hostPort.value.lastIndexOf(':') + 1));
            expect(Number.isInteger(port) && port >= 1 && port <= 65_535).toBe(true);
          }
          const project = outcome(() => assertEmulatorProjectId(text), [EnvironmentError]);
          if (project.ok) expect(text.startsWith('demo-')).toBe(true);
          const url = outcome(() => parseDatabaseUrl(text), [DatabaseUrlError]);
          if (url.ok) expect(['sqlite', 'loki']).toContain(url.value.adapter);
        },
      ),
      params,
    );
  });

  it('argv through commander and the global options: CommanderError, UsageError or EndpointError only', async () => {
    /** The real program, with every command's action replaced by the global options' reading. */
    function fuzzProgram(): Command {
      const program = buildProgram();
      const visit = (command: Command) => {
        command.exitOverride();
        command.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
        if (command.commands.length === 0)
          command.action((...args: unknown[]) => {
            readGlobalOptions(args.at(-1) as Command);
          });
        for (const sub of command.commands) visit(sub);
      };
      visit(program);
      return program;
    }
    const words = [
      'run',
      'sync',
      'seed',
      'status',
      'clean',
      'watch',
      'bench',
      'scenario',
      'check',
      'fuzz',
      'emulators',
      'start',
      'stop',
      'help',
      '--help',
      '-h',
      '--json',
      '--user',
      '--device',
      '--data-dir',
      '--project',
      '--firestore',
      '--storage',
      '--seed',
      '--quiet',
      '--verbose',
      '--offline-for',
      '--fail-rate',
      '--strategy',
      '--count',
      '--',
      '-',
      '--unknown',
      '-x',
      'demo-x',
      '127.0.0.1:8080',
      'user-1',
      '../etc',
      '7',
      '-1',
    ];
    const argvArb = fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...words) },
        { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
      ),
      { maxLength: 8 },
    );
    await fc.assert(
      fc.asyncProperty(argvArb, async (argv) => {
        const program = fuzzProgram();
        try {
          await program.parseAsync(argv, { from: 'user' });
        } catch (error) {
          if (
            !(error instanceof CommanderError) &&
            !(error instanceof UsageError) &&
            !(error instanceof EndpointError)
          )
            throw error;
        }
      }),
      { ...params, numRuns: Math.max(1, Math.round(RUNS / 2)) },
    );
  });
});
