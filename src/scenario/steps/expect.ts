import type { Random } from '../../core/random';
import { Expectations } from '../expectations-schema';
import { defineStep, type FuzzWorld } from './step-kind';

/**
 * `expect`: the scenario's expectations checked at this point of the timeline (the server and
 * the devices as they are now, read on the judge's own paths). A failure does not stop the run:
 * every one is reported at the end as an `expectations` violation naming this step.
 */
export const expect = defineStep({
  name: 'expect',
  body: Expectations,
  async run(world, body, index) {
    return world.expectNow(body, index);
  },
  describe: (b) => `expect ${Object.keys(b).join(', ') || 'nothing'}`,
  fuzzActor: { stream: 'expect', insert: insertExpectations },
});

/** A note over Firestore's 1 MiB limit in bytes, each field within its own length limit. */
const OVERSIZED_CONTENT = '€'.repeat(360_000);

/**
 * The expectations actor (a stream of its own, after the other actors, so every seed keeps the
 * steps it drew before): in half the runs, mid-timeline `expect` steps that hold by
 * construction; in a quarter, an oversized note created on one device, which that device must
 * park (`document-too-large`) and never send, expected parked at the end, so the heal leaves it.
 */
function insertExpectations(fuzz: FuzzWorld, random: Random): void {
  const { steps } = fuzz;
  if (random() < 0.5) {
    const count = random() < 0.3 ? 2 : 1;
    for (let n = 0; n < count; n += 1) {
      const at = Math.floor(random() * (steps.length + 1));
      steps.splice(at, 0, { expect: boundsBefore(steps.slice(0, at), fuzz) });
    }
  }
  if (random() < 0.25) {
    const devices = fuzz.targets.filter((t) => t.startsWith('fuzz/'));
    const device = devices[Math.floor(random() * devices.length)];
    const id = `big-${Math.floor(random() * 1000)}`;
    const record = { collection: 'text_notes' as const, id };
    steps.push(
      {
        create: {
          device,
          collection: 'text_notes',
          id,
          fields: { title: 'oversized', content: OVERSIZED_CONTENT },
        },
      },
      // Never on the server, whatever the link and faults: the push refuses it before the wire.
      { expect: { deleted: [record] } },
    );
    fuzz.expect.parked = [
      ...(fuzz.expect.parked ?? []),
      { device, ...record, code: 'document-too-large', message: "over Firestore's limit" },
    ];
  }
}

/**
 * What must hold after these steps, whatever the faults did: no more crashes than crash points
 * were armed (each fires once), no quarantine before any other writer wrote, and a generous
 * bound on the real time so far.
 */
function boundsBefore(before: Array<Record<string, unknown>>, fuzz: FuzzWorld) {
  let armed = 0;
  for (const step of before) {
    if ('crash' in step) {
      const device = (step.crash as { device: string | string[] }).device;
      armed += device === 'all' ? fuzz.targets.length : Array.isArray(device) ? device.length : 1;
    }
    // A `kill` (a real SIGKILL) is a crash too, one device each.
    if ('kill' in step) armed += 1;
  }
  const expectation: Record<string, unknown> = {
    crashes: { max: armed },
    wallTime: { max: '20m' },
  };
  if (!before.some((s) => 'write' in s)) expectation.quarantined = 0;
  return expectation;
}
