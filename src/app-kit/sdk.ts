import type { WriteSentinels } from '../sync/document-write';

/**
 * What the kit needs of the app's Firestore SDK, handed in rather than imported, so the kit runs
 * wherever the app does (React Native, a browser, Node) and with the app's own copy of the SDK:
 * `{ serverTimestamp, deleteField, Timestamp }` of the JS SDK's firestore module
 * (docs/app-integration.md shows the import).
 */
export interface KitSdk extends WriteSentinels {
  /** The SDK's Timestamp class: how the kit recognises a `_server_time` it reads. */
  Timestamp: abstract new (
    ...args: never[]
  ) => { seconds: number; nanoseconds: number };
}

/** Who writes: the signed-in user (their uid is every document's `user_id`) and this install. */
export interface KitContext {
  /** The signed-in user's uid (Firebase Auth), the `user_id` of every record. */
  userId: string;
  /**
   * This install of the app, as a sync device: stable across launches, unique per install
   * (a UUID kept in the app's storage will do), never shared with another device of the user.
   * Written as `_device`: devices recognise their own writes by it.
   */
  deviceId: string;
  sdk: KitSdk;
}
