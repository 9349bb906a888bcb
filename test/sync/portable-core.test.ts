import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNodeReach } from '../helpers/node-reach';

const root = path.resolve(__dirname, '../..');

/** The engine: every module of src/sync/ (the app imports any of them). */
const ENGINE = fs
  .readdirSync(path.join(root, 'src/sync'))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => `src/sync/${name}`)
  .sort();

/** What the app provides and the engine may import as is. */
const HOST = ['@nozbe/watermelondb'];

/**
 * WatermelonDB's private APIs: allowed only in the SQLite fast path (src/db/sqlite-fast-path.ts),
 * which the wiring hands to the engine; the engine itself uses the public API.
 */
const PRIVATE_WATERMELON = ['unsafeExecute', 'adapterType', '_cache'];

describe('the portable core (issue 15)', () => {
  it('bundles src/sync/ for a non-Node platform without any Node builtin, Node-only package or Node global', async () => {
    const reach = await findNodeReach({ entries: ENGINE, root, external: HOST });
    expect({ imports: reach.imports, globals: reach.globals }).toEqual({
      imports: [],
      globals: [],
    });
  });

  it("uses none of WatermelonDB's private APIs outside the SQLite fast path it is handed", async () => {
    const reach = await findNodeReach({
      entries: ENGINE,
      root,
      external: HOST,
      names: PRIVATE_WATERMELON,
    });
    expect(reach.names).toEqual([]);
  });

  it('the check reports Node imports, Node globals and watched names with the chain that reached them, and not a local that shares a global name', async () => {
    const reach = await findNodeReach({
      entries: ['test/fixtures/portable/reaches-node.ts'],
      root,
      external: HOST,
      names: PRIVATE_WATERMELON,
    });
    expect(reach).toEqual({
      imports: [
        'node:fs <- test/fixtures/portable/reaches-node.ts',
        'path <- test/fixtures/portable/uses-buffer.ts <- test/fixtures/portable/reaches-node.ts',
      ],
      globals: [
        'Buffer in test/fixtures/portable/uses-buffer.ts <- test/fixtures/portable/reaches-node.ts',
      ],
      names: [
        '_cache in test/fixtures/portable/uses-buffer.ts <- test/fixtures/portable/reaches-node.ts',
      ],
    });
  });
});
