import fs from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { firestoreRules, RULES_FILES, storageRules } from '../../src/rules/generate-rules';
import { FIELD_RULES } from '../../src/sync/wire-limits';

/**
 * The committed rules files are what the generator makes, and both compile without a single
 * issue (warnings included: an unknown function is only a warning at load time, but denies every
 * request at run time). storage.rules goes through the Firestore emulator's rules compiler: the
 * language is the same, and the Storage emulator here cannot compile rules at all.
 */
async function compile(name: string, content: string): Promise<{ status: number; body: string }> {
  const response = await fetch(
    `http://${inject('firestoreEndpoint')}/emulator/v1/projects/demo-personalai-rules-compile:securityRules`,
    {
      method: 'PUT',
      body: JSON.stringify({ rules: { files: [{ name, content }] } }),
    },
  );
  return { status: response.status, body: await response.text() };
}

describe('security rules files', () => {
  it('firestore.rules is generated from the schema and the wire limits', () => {
    expect(fs.readFileSync(RULES_FILES.firestore, 'utf8'), 'run npm run rules').toBe(
      firestoreRules(),
    );
  });

  it('storage.rules is generated from the Storage limits', () => {
    expect(fs.readFileSync(RULES_FILES.storage, 'utf8'), 'run npm run rules').toBe(storageRules());
  });

  it('a string column without a bound in FIELD_RULES stops the generator', () => {
    const rule = FIELD_RULES.text_notes.mood;
    const { maxLength } = rule;
    delete rule.maxLength;
    try {
      expect(() => firestoreRules()).toThrow(/text_notes\.mood: a string column needs a bound/);
    } finally {
      rule.maxLength = maxLength;
    }
    expect(firestoreRules()).toBe(fs.readFileSync(RULES_FILES.firestore, 'utf8'));
  });

  it('both compile without errors or warnings', async () => {
    for (const [name, file] of [
      ['firestore.rules', RULES_FILES.firestore],
      ['storage.rules', RULES_FILES.storage],
    ]) {
      const { status, body } = await compile(name, fs.readFileSync(file, 'utf8'));
      expect(status, `${name}: ${body}`).toBe(200);
      expect(JSON.parse(body).issues ?? [], name).toEqual([]);
    }
  });

  it('the compile check notices an error and a warning', async () => {
    const broken = storageRules().replace(
      'request.resource.size > 0',
      'request.resource.size >> 0',
    );
    expect((await compile('storage.rules', broken)).status).toBe(400);
    const unknown = firestoreRules().replace('n - n == 0', 'math.isInfinite(n)');
    expect(JSON.parse((await compile('firestore.rules', unknown)).body).issues).toHaveLength(1);
  });
});
