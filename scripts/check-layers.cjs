#!/usr/bin/env node
/**
 * `npm run check`'s layer check: dependency-cruiser with the rules in .dependency-cruiser.cjs.
 *
 * dependency-cruiser reads TypeScript through the TypeScript compiler's API, which TypeScript 7
 * (this project's compiler, written in Go) no longer offers, so it cannot read src/ itself. This
 * script gives it the import graph instead: for every src/**\/*.ts it writes a stand-in .js file
 * at the same path, in a temporary folder, holding one require() per import of the original
 * (type-only imports included: a type is a dependency between layers too). dependency-cruiser
 * then checks those, and its report is printed with the .ts names.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const IMPORT =
  /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g;

function tsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'check-layers-'));
try {
  for (const file of tsFiles(path.join(root, 'src'))) {
    const source = fs.readFileSync(file, 'utf8');
    const specs = [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
    const stub = path.join(work, path.relative(root, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(stub), { recursive: true });
    fs.writeFileSync(stub, specs.map((s) => `require(${JSON.stringify(s)});\n`).join(''));
  }
  const cli = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const result = spawnSync(
    process.execPath,
    [
      cli,
      '--config',
      path.join(root, '.dependency-cruiser.cjs'),
      '--output-type',
      'err-long',
      'src',
    ],
    { cwd: work, encoding: 'utf8' },
  );
  const tsNames = (text) => (text ?? '').replace(/(src\/[\w./-]+)\.js\b/g, '$1.ts');
  process.stdout.write(tsNames(result.stdout));
  process.stderr.write(tsNames(result.stderr));
  process.exitCode = result.status ?? 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
