import { describe, expect, it } from 'vitest';
import { type PushMoment, PushTriggers } from '../../src/simulate/push-trigger';

/**
 * The push trigger's counting (pure): which commit of which table it fires at, once, and what it
 * reports when it never fires. The scenario steps built on it run against the emulators in
 * test/scenario/mid-push-steps.test.ts.
 */
type Commit = { table: string; acked: boolean };

/** Plays commits through the triggers as FaultInjector.remote().commit does; logs what happened. */
async function play(triggers: PushTriggers, commits: Commit[], log: string[]): Promise<void> {
  for (const [i, c] of commits.entries()) {
    const n = await triggers.beforeCommit(c.table);
    log.push(`send ${c.table}#${i + 1}`);
    if (c.acked) {
      log.push(`ack ${c.table}#${i + 1}`);
      await triggers.afterAck(c.table, n);
    }
  }
}

const arm = (triggers: PushTriggers, batch: number, when: PushMoment, log: string[]) =>
  triggers.arm({
    table: 'text_notes',
    batch,
    when,
    action: async () => {
      log.push('FIRED');
    },
  });

describe('push triggers', () => {
  const notes = (acked: boolean): Commit => ({ table: 'text_notes', acked });
  const health: Commit = { table: 'health_data', acked: true };

  it('fires before commit N of its table is sent, counting only that table', async () => {
    const t = new PushTriggers();
    const log: string[] = [];
    arm(t, 2, 'before-commit', log);
    await play(t, [notes(true), health, notes(true), notes(true)], log);
    expect(log).toEqual([
      'send text_notes#1',
      'ack text_notes#1',
      'send health_data#2',
      'ack health_data#2',
      'FIRED',
      'send text_notes#3',
      'ack text_notes#3',
      'send text_notes#4',
      'ack text_notes#4',
    ]);
    expect(t.arm(null)).toEqual({ fired: true, sent: 2, acked: 1 });
  });

  it('fires after commit N is acknowledged, once', async () => {
    const t = new PushTriggers();
    const log: string[] = [];
    arm(t, 1, 'after-ack', log);
    await play(t, [notes(true), notes(true)], log);
    expect(log).toEqual([
      'send text_notes#1',
      'ack text_notes#1',
      'FIRED',
      'send text_notes#2',
      'ack text_notes#2',
    ]);
    expect(t.report().fired).toBe(true);
  });

  it('does not fire after a commit whose reply never came, and reports how far the push got', async () => {
    const t = new PushTriggers();
    const log: string[] = [];
    arm(t, 2, 'after-ack', log);
    await play(t, [notes(true), notes(false), notes(true)], log);
    expect(log).not.toContain('FIRED');
    expect(t.arm(null)).toEqual({ fired: false, sent: 3, acked: 2 });
  });

  it('never fires for a push with fewer commits, and nothing after it is disarmed', async () => {
    const t = new PushTriggers();
    const log: string[] = [];
    arm(t, 3, 'before-commit', log);
    await play(t, [notes(true), notes(true)], log);
    expect(t.arm(null)).toEqual({ fired: false, sent: 2, acked: 2 });
    await play(t, [notes(true), notes(true), notes(true)], log);
    expect(log).not.toContain('FIRED');
  });

  it('is not re-entered by a commit its own action causes', async () => {
    const t = new PushTriggers();
    let fired = 0;
    t.arm({
      table: 'text_notes',
      batch: 1,
      when: 'before-commit',
      action: async () => {
        fired += 1;
        await t.beforeCommit('text_notes');
      },
    });
    await t.beforeCommit('text_notes');
    expect(fired).toBe(1);
  });
});
