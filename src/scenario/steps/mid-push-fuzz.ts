import type { Random } from '../../core/random';
import { PUSH_MOMENTS } from '../../simulate/push-trigger';
import type { FuzzWorld } from './step-kind';

/**
 * The mid-push actor of the fuzzer: in some runs, one or two steps that happen while a push is in
 * flight (an edit, a delete, a create, a retention cleanup, the network refused, black-holed,
 * flaky or back), at commit 1 of the push mostly, sometimes a later one (the fuzzer's small pushes
 * rarely have one: such a step is skipped with its reason). Drawn from a stream of its own and
 * inserted among the steps drawn before, so a seed's device steps stay what they were.
 */
const POOL = [
  { collection: 'text_notes', id: 'n1' },
  { collection: 'text_notes', id: 'n2' },
  { collection: 'health_data', id: 'h1' },
] as const;
const KINDS = ['update', 'delete', 'create', 'cleanup', 'offline', 'online', 'flaky'] as const;

export function insertMidPushSteps(fuzz: FuzzWorld, random: Random): void {
  if (random() >= 0.4) return;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const targets = ['fuzz/phone', 'fuzz/tablet', ...(fuzz.withSecondUser ? ['other/phone'] : [])];
  const count = random() < 0.3 ? 2 : 1;
  for (let n = 0; n < count; n += 1) {
    const device = pick(targets);
    const r = pick(POOL);
    const id = device.startsWith('other/') ? `o-${r.id}` : r.id;
    const during = {
      push: r.collection,
      batch: random() < 0.85 ? 1 : 2,
      when: pick(PUSH_MOMENTS),
    };
    const kind = pick(KINDS);
    const fields =
      r.collection === 'health_data'
        ? { value: 40 + Math.floor(random() * 140) }
        : { title: `mid-push ${Math.floor(random() * 100)}` };
    const step: Record<string, unknown> =
      kind === 'update'
        ? { update: { device, collection: r.collection, id, fields, during } }
        : kind === 'delete'
          ? { delete: { device, collection: r.collection, id, during } }
          : kind === 'create'
            ? {
                create: {
                  device,
                  collection: r.collection,
                  id: `${id}-mp${n}`,
                  fields: {},
                  during,
                },
              }
            : kind === 'cleanup'
              ? { cleanup: { device, olderThan: pick(['1m', '1h']), during } }
              : kind === 'offline'
                ? { offline: { device, mode: random() < 0.2 ? 'blackhole' : 'refuse', during } }
                : kind === 'online'
                  ? { online: { device, during } }
                  : {
                      flaky: {
                        device,
                        dropRate: Math.round(random() * 20) / 100,
                        during,
                      },
                    };
    // Something to push first: the record made or edited just before (else the push is empty;
    // the create is skipped where the record exists, the edit applies either way).
    const at = Math.floor(random() * (fuzz.steps.length + 1));
    fuzz.steps.splice(
      at,
      0,
      { create: { device, collection: r.collection, id, fields: {} } },
      { update: { device, collection: r.collection, id, fields } },
      step,
    );
    // A network change mid-push is undone later in the run, as a phone's network comes back.
    if (kind === 'offline' || kind === 'flaky')
      fuzz.steps.splice(at + 3 + Math.floor(random() * (fuzz.steps.length - at - 2)), 0, {
        online: device,
      });
  }
}
