/**
 * A push trigger: something the user (or the world) does while a collection's push is in flight,
 * at a numbered commit of that push. Commits are counted as they reach the wire (after the
 * injected-failure draw; retries and the halves of a split batch count, each is a commit), from
 * the moment the trigger is armed; scenario steps arm it just before the pass they run.
 *
 *   before-commit  runs before commit N is sent (its records were read and marked `syncing`)
 *   after-ack      runs once commit N's reply has arrived (nothing of it is settled locally yet);
 *                  if commit N fails or its reply is lost, the trigger does not fire
 */
export const PUSH_MOMENTS = ['before-commit', 'after-ack'] as const;
export type PushMoment = (typeof PUSH_MOMENTS)[number];

export interface PushTrigger {
  table: string;
  /** 1-based number of the commit of this table's push. */
  batch: number;
  when: PushMoment;
  action: () => Promise<void>;
}

/** What became of an armed trigger: whether it fired, and how far the push got. */
export interface PushTriggerReport {
  fired: boolean;
  /** Commits of the table sent / acknowledged while the trigger was armed. */
  sent: number;
  acked: number;
}

export class PushTriggers {
  private trigger: PushTrigger | null = null;
  private state: PushTriggerReport = { fired: false, sent: 0, acked: 0 };

  /** Arms one trigger (null disarms); returns the report of the one it replaces. */
  arm(trigger: PushTrigger | null): PushTriggerReport {
    const before = this.state;
    this.trigger = trigger;
    this.state = { fired: false, sent: 0, acked: 0 };
    return before;
  }

  report(): PushTriggerReport {
    return { ...this.state };
  }

  /** A commit of `table` is about to be sent: returns its number (0 if no trigger watches it). */
  async beforeCommit(table: string): Promise<number> {
    const t = this.trigger;
    if (!t || t.table !== table || this.state.fired) return 0;
    this.state.sent += 1;
    const n = this.state.sent;
    if (t.when === 'before-commit' && n === t.batch) await this.fire(t);
    return n;
  }

  /** Commit number `n` (from beforeCommit) of `table` was acknowledged. */
  async afterAck(table: string, n: number): Promise<void> {
    const t = this.trigger;
    if (!t || t.table !== table || n === 0 || this.state.fired) return;
    this.state.acked += 1;
    if (t.when === 'after-ack' && n === t.batch) await this.fire(t);
  }

  private async fire(t: PushTrigger): Promise<void> {
    // Fires once: marked before the action runs, so a commit the action causes cannot re-enter.
    this.state.fired = true;
    await t.action();
  }
}
