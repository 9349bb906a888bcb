import type { Random } from '../../core/random';
import type { FuzzWorld } from './step-kind';

/**
 * The recorder actor (the fuzzer's `generate` steps): in a third of the runs, one device records
 * a burst of 2–6 sensor records at once, dated back over two days, at a random place in the run.
 * It is what puts several records of one collection in one push (without it the fuzzer's records
 * are a pool of four, edited one at a time, and a push that sends them one commit each — the
 * app's "serial and slow" — passes unseen), and old records for a retention cleanup.
 * Drawn from a stream of its own and inserted into the steps drawn before, like the other-writer
 * actor, so every run's device steps stay what they were.
 */
export function insertRecorder(fuzz: FuzzWorld, random: Random): void {
  if (random() >= 1 / 3) return;
  // The user's devices the run already names (the phone always exists): no draw from the run's
  // own stream, which the scenario's seed and settings are drawn from afterwards.
  const named = JSON.stringify(fuzz.steps).match(/"fuzz\/[a-z]+"/g) ?? [];
  const devices = [...new Set(['fuzz/phone', ...named.map((d) => d.slice(1, -1))])].sort();
  const device = devices[Math.floor(random() * devices.length)];
  const count = 2 + Math.floor(random() * 5);
  fuzz.steps.splice(Math.floor(random() * (fuzz.steps.length + 1)), 0, {
    generate: { device, count, collection: 'health_data', over: '2d' },
  });
}
