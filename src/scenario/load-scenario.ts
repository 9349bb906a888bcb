import fs from 'node:fs';
import { isNode, LineCounter, parseDocument, visit } from 'yaml';
import { Scenario, type ScenarioSpec } from './format';

/**
 * A scenario file that cannot be read or is not a valid scenario: bad input, which the CLI maps
 * to exit 2 (src/cli/errors.ts). The library's own type, so that it never imports the CLI.
 */
export class ScenarioInputError extends Error {
  override name = 'ScenarioInputError';
}

/**
 * Reads and validates a scenario file. Every problem is reported with the file, line and column
 * and the field's path (`steps[3].update.fields`), and the whole file is checked before any of it
 * runs.
 */
export class ScenarioFileError extends ScenarioInputError {
  override name = 'ScenarioFileError';
  constructor(
    readonly file: string,
    readonly problems: Array<{ line: number; column: number; path: string; message: string }>,
  ) {
    super(
      `${file} is not a valid scenario:\n${problems
        .map((p) => `  ${file}:${p.line}:${p.column} ${p.path ? `${p.path}: ` : ''}${p.message}`)
        .join('\n')}`,
    );
  }
}

export function loadScenarioFile(file: string): ScenarioSpec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioInputError(
      `Cannot read the scenario file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}.`,
    );
  }
  return parseScenarioText(text, file);
}

export function parseScenarioText(text: string, file = '<scenario>'): ScenarioSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioFileError(
      file,
      doc.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return { line: at.line, column: at.col, path: '', message: error.message.split('\n')[0] };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // Aliases: one whose anchor is missing, or so many that they expand exponentially
    // ("billion laughs"). Reported at the first alias.
    let at = 0;
    visit(doc, {
      Alias(_, node) {
        at = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const pos = lineCounter.linePos(at);
    throw new ScenarioFileError(file, [
      { line: pos.line, column: pos.col, path: '', message: (error as Error).message },
    ]);
  }
  const parsed = Scenario.safeParse(value);
  if (parsed.success) return parsed.data as ScenarioSpec;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path as Array<string | number>;
    const offset = offsetOf(doc, path);
    const at = lineCounter.linePos(offset);
    return { line: at.line, column: at.col, path: formatPath(path), message: issue.message };
  });
  throw new ScenarioFileError(file, problems);
}

/** The start of the deepest node that exists along the path (a missing key: its parent). */
function offsetOf(doc: ReturnType<typeof parseDocument>, path: Array<string | number>): number {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

function formatPath(path: Array<string | number>): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
