/**
 * The memory figure: a first pull of N records into an empty device, in a process of its own so
 * its peak RSS (the kernel's maxRSS) is the pull's and nothing else's. Prints one JSON line.
 * Usage (by `bench`): tsx src/bench/memory-probe.ts <firestore host:port> <dir> <n> [page size]
 * (no page size: the engine's default).
 */
import { pullOurs } from './pull';

async function main() {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const [endpoint, dir, n, pageSize] = process.argv.slice(2);
  const figure = await pullOurs(
    endpoint,
    dir,
    Number(n),
    'memory-probe',
    'admin',
    pageSize ? Number(pageSize) : undefined,
  );
  const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  const cpu = process.cpuUsage();
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  process.stdout.write(`${JSON.stringify({ ...figure, maxRssMB, cpuMs })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
