import type { RulesRuntimeLocation } from './storage-rules-runtime';

/**
 * Whether a Storage emulator may listen where it was asked to. With storage.rules enforced, any
 * address is fine. Without them Storage is open: anyone who reaches it reads, lists, overwrites
 * and deletes every user's files (issue 16 measured 16 of 16 such attempts allowed). On loopback
 * that reaches only this machine; beyond it, only when the user insists.
 */
export type StorageRules = 'enforced' | 'open';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The reason to refuse, or null when listening there is allowed. */
export function openStorageRefusal(options: {
  host: string;
  rules: StorageRules;
  allowOpenStorage: boolean;
  runtime: RulesRuntimeLocation;
  rulesFile?: string;
}): string | null {
  if (options.rules === 'enforced' || options.allowOpenStorage || isLoopbackHost(options.host))
    return null;
  return `Refusing to listen on ${options.host} with Storage open to everyone (${openReason(options.runtime, options.rulesFile)}): anyone who reaches that address could read, list, overwrite and delete every user's files. Either provide the runtime (copy ${runtimeFileName(options.runtime)} from a machine where \`firebase setup:emulators:storage\` downloaded it into ${cacheHint(options.runtime)}), or listen on 127.0.0.1, or pass --allow-open-storage to accept open Storage on ${options.host}.`;
}

/** Why Storage is open, in one clause; for the start-up notice and the refusal. */
export function openReason(runtime: RulesRuntimeLocation, rulesFile?: string): string {
  if (!rulesFile) return 'no rules file was given';
  if (runtime.present) return `storage.rules is not loaded`;
  return `the Storage rules runtime is not at ${runtime.jar} (${runtime.from}), so storage.rules is not evaluated`;
}

function runtimeFileName(runtime: RulesRuntimeLocation): string {
  return runtime.jar.split(/[\\/]/).pop() ?? runtime.jar;
}

function cacheHint(runtime: RulesRuntimeLocation): string {
  return runtime.from === 'STORAGE_EMULATOR_BINARY_PATH'
    ? `${runtime.jar} (STORAGE_EMULATOR_BINARY_PATH)`
    : `${runtime.jar.slice(0, runtime.jar.length - runtimeFileName(runtime).length - 1)} (or point STORAGE_EMULATOR_BINARY_PATH at it)`;
}

/** The one line said at start-up when Storage is open. */
export function openStorageNotice(runtime: RulesRuntimeLocation, rulesFile?: string): string {
  return `Storage rules: OPEN — ${openReason(runtime, rulesFile)}; every request is permitted (any user, or none, reads and writes every file).`;
}
