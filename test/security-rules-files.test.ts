import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firestoreRules, RULES_FILES, storageRules } from '../src/rules/generate-rules';

describe('security rules files', () => {
  it('firestore.rules is generated from the schema and the wire limits', () => {
    expect(fs.readFileSync(RULES_FILES.firestore, 'utf8'), 'run npm run rules').toBe(
      firestoreRules(),
    );
  });

  it('storage.rules is generated from the Storage limits', () => {
    expect(fs.readFileSync(RULES_FILES.storage, 'utf8'), 'run npm run rules').toBe(storageRules());
  });
});
