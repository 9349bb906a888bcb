import type { RemoteChange } from '../adapters/firestore-watch';
import { percentile } from '../core/percentile';
import { decodeVersion, isVersion } from '../sync/version';

/**
 * One write of the paired user as `pair` saw it land: which side made it (the app, or one of the
 * harness's simulated devices), and how long from the server's commit to the listener seeing it.
 * The commit time is the document's update time (firebase-admin's listener reports it), taken
 * on the same machine as the listener's clock, so the difference is the listener's latency.
 */
export interface PairEvent {
  seenAt: string;
  side: 'app' | 'harness';
  collection: RemoteChange['collection'];
  id: string;
  kind: RemoteChange['kind'];
  deleted: boolean;
  device: string | null;
  /** Commit to seen, ms; null when the change carried no commit time (a removal). */
  latencyMs: number | null;
  pullable: boolean;
}

/**
 * The harness's devices are those with a database in the data directory; any other writer of the
 * user's documents is the app (or another client of the user, which is the same to the harness).
 */
export function sideOf(
  device: string | null,
  harnessDevices: ReadonlySet<string>,
): PairEvent['side'] {
  return device !== null && harnessDevices.has(device) ? 'harness' : 'app';
}

export function versionMillis(version: string | null): number | null {
  if (!isVersion(version)) return null;
  const { seconds, nanoseconds } = decodeVersion(version);
  return seconds * 1000 + nanoseconds / 1e6;
}

export function toPairEvent(
  change: RemoteChange,
  seenAtMs: number,
  harnessDevices: ReadonlySet<string>,
): PairEvent {
  const committed = versionMillis(change.version);
  return {
    seenAt: new Date(seenAtMs).toISOString(),
    side: sideOf(change.device, harnessDevices),
    collection: change.collection,
    id: change.id,
    kind: change.kind,
    deleted: change.deleted,
    device: change.device,
    // A listener cannot see a write before its commit; a negative figure is clock rounding.
    latencyMs: committed === null ? null : Math.max(0, Math.round(seenAtMs - committed)),
    pullable: change.pullable,
  };
}

export interface LatencySummary {
  events: number;
  medianMs: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export function summarizeLatency(
  events: readonly PairEvent[],
): Record<PairEvent['side'], LatencySummary> {
  const of = (side: PairEvent['side']): LatencySummary => {
    const mine = events.filter((e) => e.side === side);
    const latencies = mine.flatMap((e) => (e.latencyMs === null ? [] : [e.latencyMs]));
    return {
      events: mine.length,
      medianMs: percentile(latencies, 0.5),
      p95Ms: percentile(latencies, 0.95),
      maxMs: latencies.length ? Math.max(...latencies) : null,
    };
  };
  return { app: of('app'), harness: of('harness') };
}
