import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

/**
 * What of Node a set of entry modules reaches once bundled for a platform that is not Node (the
 * app's React Native, a browser): every import of a Node builtin (`node:fs`, `path`, …) or of a
 * package that only runs in Node (sharp, better-sqlite3, the Admin SDK), and every use of a Node
 * global (`Buffer`, `process`, …), each with the import chain that brought it in.
 *
 * esbuild does the reading: imports are seen as it resolves them (type-only imports are erased
 * before that, as in the app's own bundler), and Node globals are found by `define`-ing each to a
 * marker, which esbuild substitutes only where the name is a free global, never for a local
 * variable or a property that shares the name.
 */
export interface NodeReach {
  /** `node:fs <- src/files/checksum.ts <- src/sync/upload-media.ts`, sorted. */
  imports: string[];
  /** `Buffer in src/sync/wire-limits.ts <- src/sync/check-write.ts`, sorted. */
  globals: string[];
  /** Each of `options.names` found in the bundled code: `unsafeExecute in src/db/… <- …`. */
  names: string[];
}

/** Packages that exist only in Node (native code or Node-only SDKs). */
const NODE_ONLY_PACKAGES = [
  'sharp',
  'better-sqlite3',
  'firebase-admin',
  '@google-cloud/storage',
  '@google-cloud/firestore',
  'firebase-tools',
];

const NODE_GLOBALS = [
  'Buffer',
  'process',
  'global',
  '__dirname',
  '__filename',
  'setImmediate',
  'clearImmediate',
];
const marker = (name: string) => `__NODE_GLOBAL_${name}__`;
const MARKER = /__NODE_GLOBAL_(\w+?)__/g;

export interface NodeReachOptions {
  /** The entry modules, relative to `root`. */
  entries: string[];
  root: string;
  /** Bare imports the host provides and that are not bundled (the app's WatermelonDB). */
  external: string[];
  /** Identifiers to look for in the bundled code (private APIs of a host library). */
  names?: string[];
  /**
   * More packages to report as `imports`, as the Node-only ones are (the app kit must bring no
   * Firebase SDK of its own: the app hands its SDK in).
   */
  packages?: string[];
}

export async function findNodeReach(options: NodeReachOptions): Promise<NodeReach> {
  const { entries, root, external, names = [], packages = [] } = options;
  const found: Array<{ spec: string; importer: string }> = [];
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'neutral',
    format: 'esm',
    outdir: 'out',
    logLevel: 'silent',
    define: Object.fromEntries(NODE_GLOBALS.map((name) => [name, marker(name)])),
    plugins: [flagNodeImports(root, external, [...NODE_ONLY_PACKAGES, ...packages], found)],
  });
  const importers = importersOf(result.metafile);
  const chain = (file: string) => [file, ...pathToEntry(file, importers, entries)].join(' <- ');
  const imports = found.map(({ spec, importer }) => `${spec} <- ${chain(importer)}`);
  const markers = new RegExp(
    `${MARKER.source}|\\b(${names.map(escapeRegExp).join('|') || '(?!)'})\\b`,
    'g',
  );
  const hits = result.outputFiles.flatMap((out) => wordsByModule(out.text, markers));
  const describe = ({ word, module }: { word: string; module: string }) =>
    `${word} in ${chain(module)}`;
  return {
    imports: unique(imports),
    globals: unique(hits.filter((h) => h.global).map(describe)),
    names: unique(hits.filter((h) => !h.global).map(describe)),
  };
}

function flagNodeImports(
  root: string,
  external: string[],
  flagged: string[],
  found: Array<{ spec: string; importer: string }>,
): Plugin {
  const isUnder = (spec: string, names: string[]) =>
    names.some((name) => spec === name || spec.startsWith(`${name}/`));
  return {
    name: 'flag-node-imports',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const spec = args.path;
        const builtin = spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);
        if (builtin || isUnder(spec, flagged)) {
          found.push({ spec, importer: path.relative(root, args.importer) });
          return { path: spec, external: true };
        }
        if (isUnder(spec, external)) return { path: spec, external: true };
        return undefined;
      });
    },
  };
}

/** Who imports each module of the bundle (metafile paths, relative to the working directory). */
function importersOf(metafile: Metafile): Map<string, string[]> {
  const importers = new Map<string, string[]>();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.external) continue;
      importers.set(imported.path, [...(importers.get(imported.path) ?? []), file]);
    }
  }
  return importers;
}

/** The shortest chain of importers from `file` up to an entry (breadth first). */
function pathToEntry(file: string, importers: Map<string, string[]>, entries: string[]): string[] {
  const isEntry = (f: string) => entries.includes(f);
  if (isEntry(file)) return [];
  const previous = new Map<string, string>();
  const queue = [file];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const importer of importers.get(current) ?? []) {
      if (previous.has(importer) || importer === file) continue;
      previous.set(importer, current);
      if (isEntry(importer)) {
        const chain = [importer];
        for (let at = current; at !== file; at = previous.get(at)!) chain.unshift(at);
        return chain;
      }
      queue.push(importer);
    }
  }
  return [];
}

/**
 * Node global markers and watched names in bundled code, by the module esbuild's `// path`
 * comment (written before each module's code) names.
 */
function wordsByModule(
  text: string,
  pattern: RegExp,
): Array<{ word: string; module: string; global: boolean }> {
  const hits: Array<{ word: string; module: string; global: boolean }> = [];
  let module = '?';
  for (const line of text.split('\n')) {
    const header = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(line);
    if (header) module = header[1];
    for (const match of line.matchAll(pattern)) {
      hits.push({ word: match[1] ?? match[2], module, global: match[1] !== undefined });
    }
  }
  return hits;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
