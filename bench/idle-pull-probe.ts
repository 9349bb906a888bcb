// Scratch probe (not committed): idle incremental pull cost.
import { performance } from 'node:perf_hooks';
import { openBenchDevice } from '../src/bench/bench-device';
import { BENCH_PROJECT } from '../src/bench/fresh-emulator';
import { seedRemote } from '../src/bench/pull';
import { startFirestoreEmulator } from '../src/emulators/firestore-emulator';

async function main() {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const n = Number(process.argv[2] ?? 5000);
  const emu = await startFirestoreEmulator({ projectId: BENCH_PROJECT });
  const dir = `/tmp/idle/${Date.now()}`;
  try {
    await seedRemote(emu.endpoint, dir, n);
    const reader = await openBenchDevice({ dir, name: 'reader', firestore: emu.endpoint });
    const first = await reader.sync.syncAll();
    console.log('first pull', first.pulled);
    const times: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const t = performance.now();
      const r = await reader.sync.syncAll();
      times.push(performance.now() - t);
      if (r.pulled !== 0 || r.conflicts.length) throw new Error('not idle');
    }
    const echoes = (await reader.sync.syncAll()).collections;
    console.log(
      JSON.stringify({
        n,
        idleMs: times.map((t) => Math.round(t)),
        echoes: Object.values(echoes).map((c) => c?.echoes),
      }),
    );
    await reader.close();
  } finally {
    await emu.stop();
  }
}
main();
