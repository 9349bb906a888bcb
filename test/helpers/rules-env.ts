import fs from 'node:fs';
import {
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import type { Firestore } from 'firebase/firestore';
import { inject } from 'vitest';
import { RULES_FILES } from '../../src/rules/generate-rules';

/**
 * A rules test project on the run's Firestore emulator: its own project id (so the rules loaded
 * here never touch the other tests' project) with the committed firestore.rules.
 */
export const RULES_PROJECT_ID = 'demo-personalai-rules';

export async function startRulesEnvironment(projectId = RULES_PROJECT_ID) {
  const [host, port] = splitEndpoint(inject('firestoreEndpoint'));
  return initializeTestEnvironment({
    projectId,
    firestore: { host, port, rules: fs.readFileSync(RULES_FILES.firestore, 'utf8') },
  });
}

function splitEndpoint(endpoint: string): [string, number] {
  const at = endpoint.lastIndexOf(':');
  return [endpoint.slice(0, at), Number(endpoint.slice(at + 1))];
}

/** The context's Firestore as the modular API's type (rules-unit-testing hands out the compat one). */
export function firestoreOf(context: RulesTestContext): Firestore {
  return context.firestore() as unknown as Firestore;
}

export type { RulesTestEnvironment };
