import fs from 'node:fs';
import path from 'node:path';
import { toHtml } from '../scenario/html-report';
import { toJunit } from '../scenario/junit';
import type { ScenarioReport } from '../scenario/run-scenario';

/** --junit and --report of `scenario run` and `scenario fuzz`. */
export function writeReports(
  reports: ScenarioReport[],
  flags: { junit?: string; report?: string },
) {
  if (flags.junit) writeFile(flags.junit, toJunit(reports));
  if (flags.report) writeFile(flags.report, toHtml(reports));
}

function writeFile(file: string, text: string) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}
