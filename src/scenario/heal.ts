import type { ParkedRow } from '../judge/device-reader';
import { NO_FAULTS } from '../simulate/fault-model';
import { HEALTHY_LINK } from '../simulate/fault-proxy';
import { APP_RETRY_POLICY } from '../sync/retry-handler';
import type { DeviceSlot } from './device-slot';
import type { Simulation } from './simulation';

/**
 * The heal: the end of every simulation, as VOPR ends its runs — sync round after round until
 * the devices have settled, then the judge looks. Two policies share the loop:
 *
 * - a scenario's heal cures everything first (every device online, a healthy link, no faults,
 *   the user taps Retry on parked errors), then moves time a minute per round and stops after
 *   two clean rounds in a row (no crash, no pass cut short by a failed call, every queue empty):
 *   the second lets every device pull what the others pushed in the first (a record rightly
 *   parked, `mayStayParked`, does not keep a queue from being empty). A device that dies
 *   in a pass has not finished it (found by the fuzzer, seed 20261125 run 47); nor has one whose
 *   pull timed out, though its queue is empty (a loaded CI machine, seed 20261125 run 19). A crash still armed stays armed: the app dies in its
 *   next sync, here, and restarts.
 * - `run`'s drain cures nothing (its faults are what it measures): it syncs until nothing is
 *   pending, or only parked errors are left, or its timeout passes; then, with several devices,
 *   one more round so every device has pulled what the others pushed last.
 */
export interface HealPolicy {
  /** Everything online and healthy, parked errors retried, before the first round. */
  cure: boolean;
  /** World time before each round; `run` does not wait before its first. */
  pauseMs: number;
  pauseFirst: boolean;
  /** Gives up after this many rounds, or this much world time. */
  maxRounds: number;
  timeoutMs: number;
  /** When the devices have settled. */
  settle: 'two-clean-rounds' | 'nothing-pending';
  /**
   * A parked record the heal leaves alone (a scenario's: one its expectations name as parked).
   * It is let be only if it failed with a permanent error after the heal's Retry: parked before
   * its attempts ran out (retryable failures park only at the retry policy's last attempt).
   */
  mayStayParked?: (slot: DeviceSlot, row: ParkedRow) => boolean;
}

export const SCENARIO_HEAL: HealPolicy = {
  cure: true,
  pauseMs: 60_000,
  pauseFirst: true,
  maxRounds: 30,
  timeoutMs: Number.POSITIVE_INFINITY,
  settle: 'two-clean-rounds',
};

export function drainPolicy(timeoutMs: number, tickMs: number): HealPolicy {
  return {
    cure: false,
    pauseMs: Math.min(tickMs, 250),
    pauseFirst: false,
    maxRounds: Number.POSITIVE_INFINITY,
    timeoutMs,
    settle: 'nothing-pending',
  };
}

export interface HealResult {
  rounds: number;
  drained: boolean;
  /** World time the heal took. */
  ms: number;
}

export async function heal(
  sim: Simulation,
  policy: HealPolicy,
  onRound?: (pending: number) => void,
): Promise<HealResult> {
  const started = sim.clock.now();
  if (policy.cure)
    for (const slot of sim.slots) {
      await sim.setMode(slot, 'online');
      slot.setLink(HEALTHY_LINK);
      slot.setFaults(NO_FAULTS);
      await slot.device.sync.retryErrors();
    }
  const deadline = started + policy.timeoutMs;
  let rounds = 0;
  let cleanBefore = false;
  let drained = false;
  while (rounds < policy.maxRounds) {
    if (rounds > 0 || policy.pauseFirst) await sim.clock.sleep(policy.pauseMs);
    rounds += 1;
    const crashesBefore = sim.totals.crashes;
    const unfinishedBefore = sim.totals.unfinished;
    await sim.sync(sim.slots);
    sim.sample();
    if (policy.settle === 'two-clean-rounds') {
      const clean =
        sim.totals.crashes === crashesBefore &&
        sim.totals.unfinished === unfinishedBefore &&
        sim.slots.every((s) => unsettled(s, policy) === 0);
      if (clean && cleanBefore) {
        drained = true;
        break;
      }
      cleanBefore = clean;
      continue;
    }
    const { pending, parked } = await pendingOf(sim);
    onRound?.(pending);
    if (pending === 0) {
      if (sim.slots.length > 1) await sim.sync(sim.slots);
      break;
    }
    if (sim.clock.now() >= deadline || parked === pending) break; // only parked left: stop trying
  }
  if (policy.settle === 'nothing-pending') drained = (await pendingOf(sim)).pending === 0;
  return { rounds, drained, ms: sim.clock.now() - started };
}

/** Queue rows of a device the heal still waits for: all but the rightly parked ones. */
export function unsettled(slot: DeviceSlot, policy: HealPolicy): number {
  const queued = slot.reader.queuedCount();
  const mayStay = policy.mayStayParked;
  if (!mayStay || queued === 0) return queued;
  const rightly = slot.reader
    .parkedRows()
    .filter((row) => row.attempts < APP_RETRY_POLICY.maxAttempts && mayStay(slot, row));
  return queued - rightly.length;
}

/** Changes waiting on every device, as the engine counts them (parked errors included). */
export async function pendingOf(sim: Simulation): Promise<{ pending: number; parked: number }> {
  let pending = 0;
  let parked = 0;
  for (const slot of sim.slots) {
    const status = await slot.device.sync.getStatus();
    pending += status.pendingCount + status.errorCount;
    parked += status.errorCount;
  }
  return { pending, parked };
}
