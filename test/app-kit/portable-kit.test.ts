import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNodeReach } from '../helpers/node-reach';

const root = path.resolve(__dirname, '../..');
/** What the app provides (the kit's schema comes from WatermelonDB, which the app has). */
const HOST = ['@nozbe/watermelondb'];
/** The app's own Firebase SDK: the kit must never bundle a second copy. */
const FIREBASE = ['firebase', '@firebase'];

describe('the app kit bundles for the app (issue 16)', () => {
  it('src/app-kit/ bundles for a non-Node platform with no Node builtin, Node-only package, Node global or Firebase SDK of its own', async () => {
    const reach = await findNodeReach({
      entries: ['src/app-kit/index.ts'],
      root,
      external: HOST,
      packages: FIREBASE,
    });
    expect({ imports: reach.imports, globals: reach.globals }).toEqual({
      imports: [],
      globals: [],
    });
  });

  it('the check reports a module that brings its own Firebase SDK', async () => {
    const reach = await findNodeReach({
      entries: ['test/fixtures/portable/brings-firebase.ts'],
      root,
      external: HOST,
      packages: FIREBASE,
    });
    expect(reach.imports).toEqual([
      'firebase/firestore <- test/fixtures/portable/brings-firebase.ts',
    ]);
  });
});
