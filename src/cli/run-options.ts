import fs from 'node:fs';
import { FLEET_SDKS, type FleetSdk, SDKS, type Sdk } from '../core/sdk';
import { parseRate, perSecond } from '../core/units';
import type { ConflictStrategy, DecideFn, Decision } from '../sync/conflict-resolver';
import { CONFLICT_STRATEGIES } from '../sync/conflict-resolver';
import { canPrompt, type PromptScreen, terminalDecide } from './ask-user-prompt';
import { UsageError } from './errors';

export function parseStrategy(text: string): ConflictStrategy {
  if (!(CONFLICT_STRATEGIES as readonly string[]).includes(text)) {
    throw new UsageError(
      `--strategy must be one of ${CONFLICT_STRATEGIES.join(', ')}; got "${text}".`,
    );
  }
  return text as ConflictStrategy;
}

/** `2/s`, `120/min`, `5/h`, or a plain number per second. Returns records per second. */
export function parseRecordRate(text: string, flag = '--record-rate'): number {
  if (String(text).trim().startsWith('-'))
    throw new UsageError(`${flag} cannot be negative; got "${text}" (0 turns it off).`);
  const parsed = parseRate(String(text));
  if (!parsed) throw new UsageError(`${flag} must look like 2/s, 120/min or 5/h; got "${text}".`);
  const rate = perSecond(parsed);
  if (!Number.isFinite(rate)) throw new UsageError(`${flag} is too large; got "${text}".`);
  return rate;
}

/**
 * How ask-user conflicts get their answers: from --answers FILE, else from the person at the
 * terminal, else not at all (exit 2: a script cannot be asked).
 */
export function decideFor(
  strategy: ConflictStrategy,
  answersFile: string | undefined,
  /** Ctrl-C at the prompt (a key there, not a signal); default: raised as SIGINT. */
  onInterrupt?: () => void,
  screen?: PromptScreen,
): DecideFn | undefined {
  if (answersFile) return loadAnswers(answersFile);
  if (strategy !== 'ask-user') return undefined;
  if (!canPrompt()) {
    throw new UsageError(
      '--strategy ask-user needs a terminal to ask on, or --answers FILE with the answers (see `run --help`).',
    );
  }
  return terminalDecide(onInterrupt, screen);
}

/**
 * Answers for ask-user conflicts without a terminal: a JSON file
 * `{"default": "local" | "remote" | "merge", "records": {"<record id>": "local", …}}`.
 */
export function loadAnswers(file: string): DecideFn {
  let parsed: { default?: string; records?: Record<string, string> };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `--answers ${file} could not be read as JSON: ${(error as Error).message}`,
    );
  }
  const valid = (d: unknown): d is Decision => d === 'local' || d === 'remote' || d === 'merge';
  if (parsed.default !== undefined && !valid(parsed.default)) {
    throw new UsageError(`--answers ${file}: "default" must be local, remote or merge.`);
  }
  for (const [id, answer] of Object.entries(parsed.records ?? {})) {
    if (!valid(answer))
      throw new UsageError(
        `--answers ${file}: the answer for ${id} must be local, remote or merge.`,
      );
  }
  return (conflict) => {
    const answer = parsed.records?.[conflict.id] ?? parsed.default;
    if (!valid(answer))
      throw new UsageError(
        `--answers ${file} has no answer for ${conflict.table}/${conflict.id} and no default.`,
      );
    return answer;
  };
}

/** `--sdk`: which SDK the devices sync through (`mixed` only where a command has several). */
export function parseSdk(text: string, allowMixed: false): Sdk;
export function parseSdk(text: string, allowMixed: true): FleetSdk;
export function parseSdk(text: string, allowMixed: boolean): FleetSdk {
  const allowed: readonly string[] = allowMixed ? FLEET_SDKS : SDKS;
  if (!allowed.includes(text))
    throw new UsageError(
      `--sdk must be ${allowed.join(', ').replace(/, (\w+)$/, ' or $1')}; got "${text}". admin is firebase-admin (no rules); client is the app's SDK signed in as the user, rules enforced.`,
    );
  return text as FleetSdk;
}
