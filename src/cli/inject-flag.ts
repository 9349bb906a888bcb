import { type DefectName, parseDefectNames, UnknownDefectError } from '../sync/defects';
import { UsageError } from './errors';

/** The help of `--inject` (scenario run, scenario fuzz). */
export const INJECT_HELP =
  'FOR TESTING THE HARNESS: switch on named engine defects (comma-separated; see `scenario detect`, docs/detection.md); emulators only';

/** `--inject a,b`: the named defects (undefined: none); an unknown name is a usage error. */
export function parseInjectFlag(value: string | undefined): ReadonlySet<DefectName> | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--inject needs at least one defect name.');
  try {
    return new Set(parseDefectNames(names));
  } catch (error) {
    if (error instanceof UnknownDefectError) throw new UsageError(error.message);
    throw error;
  }
}
