/**
 * The layer rules of src/ (DESIGN.md, "Architecture"), checked by `npm run check`
 * (scripts/check-layers.cjs runs dependency-cruiser with them). Each rule names the folders it keeps apart and says why; a broken rule
 * prints the importing file, the imported file and the rule's comment.
 *
 * The folders, bottom to top. A folder may import the folders below it and never one above,
 * which also rules out cycles between folders:
 */
const LAYERS = [
  'core', // clock, randomness, ids, units, percentile, limiter: pure, imports nothing of src/
  'db', // schema, migrations, models, the database factory
  'files', // media paths, checksums, thumbnails, Storage limits, storage usage and cleanup
  'sync', // the engine, talking to the outside only through ports (remote-store, media-store)
  'app-kit', // what the app imports to write the wire format (docs/app-integration.md)
  'emulators', // find, start, stop the emulators
  'target', // which backend a command talks to
  'adapters', // the ports' implementations: Firestore and Storage through the Firebase SDKs
  'pairing', // pairing with the app: what it needs to connect, both sides live
  'simulate', // fault proxy, fault model, simulated devices, data generators, other writers
  // Above what it judges, below the runner that calls it; what it must never import is the rule
  // judge-apart-from-the-judged below (simulate/ included, though the order would allow it).
  'judge', // invariants and the scenario judge
  'scenario', // the scenario format, runner, fuzz, reports
  'bench', // throughput benchmarks
  'rules', // generates firestore.rules and storage.rules (a build step)
  'cli', // one file per command
];

const folder = (name) => `^src/${name}/`;

/** Node builtins (bare or `node:`) and packages that run only in Node. */
const NODE_BUILTINS = require('node:module')
  .builtinModules.filter((name) => /^[a-z][a-z0-9_]*$/.test(name))
  .join('|');
const NODE_ONLY = `^(node:|(${NODE_BUILTINS})([/]|$)|sharp|better-sqlite3|firebase-admin|firebase-tools|@google-cloud/)`;
/** The modules that use WatermelonDB's private APIs. */
const FAST_PATH = '^src/db/(sqlite-fast-path|find-by-ids|narrow-update|insert-rows|delete-rows)[.]';
const anyOf = (names) => `^src/(${names.join('|')})/`;

const layerOrder = LAYERS.slice(0, -1).map((name, i) => ({
  name: `layer-order-${name}`,
  severity: 'error',
  comment: `src/${name}/ may import only the folders below it (${LAYERS.slice(0, i).join(', ') || 'none'}): a folder importing one above it makes a cycle between layers. Move the shared piece down (often into src/core/) or turn the call around (a port, a callback).`,
  from: { path: folder(name) },
  to: { path: anyOf(LAYERS.slice(i + 1)) },
}));

module.exports = {
  forbidden: [
    {
      name: 'judge-apart-from-the-judged',
      severity: 'error',
      comment:
        'The judge observes from outside: it reads devices and the server on its own read-only paths and shares no code with the sync it judges (issue 14). It keeps its own copy of what it needs.',
      from: { path: folder('judge') },
      to: { path: anyOf(['sync', 'files', 'simulate']) },
    },
    {
      name: 'engine-talks-to-ports',
      severity: 'error',
      comment:
        'src/sync/ is the engine the app runs too: it reaches the outside only through its ports (remote-store.ts, media-store.ts) and knows nothing of the harness or of the SDK adapters.',
      from: { path: folder('sync') },
      to: { path: anyOf(['cli', 'simulate', 'scenario', 'bench', 'judge', 'adapters']) },
    },
    {
      name: 'db-at-the-bottom',
      severity: 'error',
      comment: 'src/db/ is the local database: it imports nothing above it.',
      from: { path: folder('db') },
      to: {
        path: anyOf(['sync', 'files', 'adapters', 'simulate', 'scenario', 'cli', 'bench', 'judge']),
      },
    },
    {
      name: 'files-below-sync',
      severity: 'error',
      comment:
        "src/files/ is below the engine: the push's upload step lives in src/sync/upload-media.ts.",
      from: { path: folder('files') },
      to: { path: folder('sync') },
    },
    {
      name: 'library-not-cli',
      severity: 'error',
      comment:
        'Library code never imports src/cli/: give the library its own error type and let src/cli/errors.ts map it to an exit code.',
      from: { path: '^src/', pathNot: folder('cli') },
      to: { path: folder('cli') },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment:
        'src/core/ holds small pure concepts every layer shares: it imports nothing else of src/.',
      from: { path: folder('core') },
      to: { pathNot: folder('core') },
    },
    {
      name: 'engine-runs-outside-node',
      severity: 'error',
      comment:
        'src/sync/ runs in the app (React Native) too: nothing it imports, directly or through src/core, src/db or src/files, may be a Node builtin or a Node-only package. Reach files, hashing and thumbnails through the MediaFiles port (src/files/media-files.ts); the Node implementations are handed in by src/adapters/device-wiring.ts. test/sync/portable-core.test.ts checks the bundled engine, Node globals (Buffer, process) included.',
      from: { path: folder('sync') },
      to: { path: NODE_ONLY, reachable: true },
    },
    {
      name: 'engine-gets-the-fast-path-handed-in',
      severity: 'error',
      comment:
        "WatermelonDB's private APIs live only in the SQLite fast path (src/db/sqlite-fast-path.ts and the modules it is made of); the engine uses the RecordAccess it is given (src/db/record-access.ts) and never imports the fast path itself.",
      from: { path: folder('sync') },
      to: { path: FAST_PATH, reachable: true },
    },
    {
      name: 'app-kit-runs-in-the-app',
      severity: 'error',
      comment:
        "src/app-kit/ is imported by the app (React Native): nothing it reaches may be a Node builtin or a Node-only package, and it brings no Firebase SDK of its own (the app hands in its SDK's serverTimestamp, deleteField and Timestamp: two copies of the SDK would not recognise each other's values). test/app-kit/portable-kit.test.ts checks the bundled kit.",
      from: { path: folder('app-kit') },
      to: { path: `${NODE_ONLY}|^(firebase|@firebase/)([/]|$)`, reachable: true },
    },
    // No module-level cycle rule: the stand-ins of scripts/check-layers.cjs cannot tell a
    // type-only import from a runtime one, and src/sync/sync-context.ts shares types with
    // network-judge.ts and retry-handler.ts both ways (harmless at run time).
    ...layerOrder,
  ],
  options: {
    // src/ and what it imports from Node and Node-only packages (the rule engine-runs-outside-node).
    // Firebase's packages too, for app-kit-runs-in-the-app.
    includeOnly: `^src/|${NODE_ONLY}|^(firebase|@firebase/)([/]|$)`,
  },
};
