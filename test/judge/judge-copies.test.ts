import { describe, expect, expectTypeOf, it } from 'vitest';
import { currentSchema, DATA_TABLES } from '../../src/db/schema-current';
import { photoPath, thumbnailPath, voicePath } from '../../src/files/media-paths';
import { LOCAL_ONLY, META_FIELDS } from '../../src/judge/columns';
import { PARKED_AT as JUDGE_PARKED_AT } from '../../src/judge/device-reader';
import type { Expectations } from '../../src/judge/expectations';
import { filePaths } from '../../src/judge/files';
import type { WriterFormat as JudgeWriterFormat } from '../../src/judge/ledger';
import { MAX_ATTEMPTS } from '../../src/judge/parked-records';
import {
  ALLOWED_OUTCOMES,
  DECISION_OF,
  type Decision as JudgeDecision,
  type Outcome,
  type Strategy,
} from '../../src/judge/strategy-table';
import type { ExpectationsSpec } from '../../src/scenario/format';
import type { WriterFormat } from '../../src/simulate/writer-documents';
import {
  applyDecision,
  CONFLICT_STRATEGIES,
  type Conflict,
  type ConflictOutcome,
  type ConflictStrategy,
  type Decision,
  resolveConflict,
} from '../../src/sync/conflict-resolver';
import { PARKED_AT } from '../../src/sync/queue';
import { APP_RETRY_POLICY } from '../../src/sync/retry-handler';
import { META, syncedColumnNames } from '../../src/sync/wire-format';

/**
 * The judge keeps its own copies of what it must know about the engine (which columns sync, the
 * wire format's fields, how each strategy may end), so the engine's mistakes cannot become the
 * judge's. These tests make a copy that drifts from the engine fail loudly instead of silently.
 */
describe("the judge's own copies agree with the engine", () => {
  it('the columns the judge compares are exactly the columns the engine syncs', () => {
    for (const table of DATA_TABLES) {
      const judged = currentSchema.tables[table].columnArray
        .map((c) => c.name)
        .filter((name) => !LOCAL_ONLY.has(name));
      expect(judged, table).toEqual(syncedColumnNames(table));
    }
  });

  it("the wire format's own fields are the engine's", () => {
    expect([...META_FIELDS].sort()).toEqual(Object.values(META).sort());
  });

  it('a parked queue row is where the engine parks it', () => {
    expect(JUDGE_PARKED_AT).toBe(PARKED_AT);
    expect(MAX_ATTEMPTS).toBe(APP_RETRY_POLICY.maxAttempts);
  });

  it("a record's files are where the file sync puts them", () => {
    expect(filePaths('voice_notes', 'u1', 'r1')).toEqual([voicePath('u1', 'r1')]);
    expect(filePaths('photo_memories', 'u1', 'r1')).toEqual([
      photoPath('u1', 'r1'),
      thumbnailPath('u1', 'r1'),
    ]);
  });

  // Every shape a conflict can take: either side live (edited) or deleted.
  const live = { values: { content: 'x', title: 'y' }, changed: ['content'] };
  const deleted = { values: null, changed: [] };
  const shapes: Conflict[] = [live, deleted].flatMap((local) =>
    [live, deleted].map((remote) => ({ table: 'text_notes' as const, id: 'n', local, remote })),
  );

  it('each decision ends in exactly the outcomes the strategy table allows', () => {
    for (const decision of ['local', 'remote', 'merge'] as const) {
      const outcomes = new Set(shapes.map((c) => applyDecision(c, decision).outcome));
      expect([...outcomes].sort(), decision).toEqual([...ALLOWED_OUTCOMES[decision]].sort());
    }
  });

  it('each fixed strategy makes the decision the strategy table says', async () => {
    expect([...Object.keys(DECISION_OF), 'ask-user'].sort()).toEqual(
      [...CONFLICT_STRATEGIES].sort(),
    );
    for (const [strategy, decision] of Object.entries(DECISION_OF))
      for (const conflict of shapes)
        expect(await resolveConflict(conflict, strategy as ConflictStrategy)).toMatchObject(
          applyDecision(conflict, decision),
        );
  });

  it('the types the judge spells out are the engine’s and the scenario format’s', () => {
    expectTypeOf<Strategy>().toEqualTypeOf<ConflictStrategy>();
    expectTypeOf<JudgeDecision>().toEqualTypeOf<Decision>();
    expectTypeOf<Outcome>().toEqualTypeOf<ConflictOutcome>();
    expectTypeOf<JudgeWriterFormat>().toEqualTypeOf<WriterFormat>();
    expectTypeOf<ExpectationsSpec>().toExtend<Expectations>();
  });
});
