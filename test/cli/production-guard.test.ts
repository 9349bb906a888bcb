import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { createFirebaseClients } from '../../src/adapters/firebase-clients';
import { confirmProduction } from '../../src/cli/confirm-production';
import { UsageError } from '../../src/cli/errors';
import type { GlobalOptions } from '../../src/cli/global-options';
import { buildProgram } from '../../src/cli/main';
import { type GuardIo, guardTarget } from '../../src/cli/production-guard';
import { EnvironmentError } from '../../src/emulators/environment-error';
import { writeRegistration } from '../../src/emulators/registration';
import { describeCredentials, findCredentials } from '../../src/target/credentials';
import {
  COMMAND_TARGET_POLICIES,
  decideTarget,
  type EmulatorHint,
  productionTargetLine,
  type TargetInputs,
  type TargetPolicy,
} from '../../src/target/target';
import { runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';
import { scriptAvailable, spawnOnTerminal } from '../helpers/terminal';

const tempDir = useTempDir('personalai-prod-');

const SUPPORTED: TargetPolicy = { production: 'supported', confirm: false, connects: true };
const CONFIRMING: TargetPolicy = { production: 'supported', confirm: true, connects: false };
const EMULATOR_ONLY: TargetPolicy = { production: 'emulator-only', confirm: true, connects: true };
const ENV_HINT: EmulatorHint = { source: 'env', label: 'FIRESTORE_EMULATOR_HOST=127.0.0.1:8080' };

function inputs(overrides: Partial<TargetInputs> = {}): TargetInputs {
  return {
    command: 'sync',
    policy: SUPPORTED,
    emulators: [],
    allowProduction: false,
    yes: false,
    interactive: false,
    ...overrides,
  };
}

describe('decideTarget (pure): demo / real id × emulator configured or not × flags', () => {
  it('no --project: the registered project, else demo-personalai, is an emulator target', () => {
    expect(decideTarget(inputs())).toEqual({ kind: 'emulator', projectId: 'demo-personalai' });
    expect(decideTarget(inputs({ registeredProjectId: 'demo-reg' }))).toEqual({
      kind: 'emulator',
      projectId: 'demo-reg',
    });
    // --project wins over the registration.
    expect(
      decideTarget(inputs({ projectId: 'demo-mine', registeredProjectId: 'demo-reg' })),
    ).toEqual({ kind: 'emulator', projectId: 'demo-mine' });
  });

  it('a demo- id is an emulator target whatever the flags, emulator settings or command', () => {
    for (const policy of [SUPPORTED, CONFIRMING, EMULATOR_ONLY])
      for (const emulators of [[], [ENV_HINT]])
        for (const allowProduction of [false, true])
          for (const yes of [false, true])
            expect(
              decideTarget(
                inputs({ projectId: 'demo-x', policy, emulators, allowProduction, yes }),
              ),
            ).toEqual({ kind: 'emulator', projectId: 'demo-x' });
  });

  it('a malformed demo- id, and --bucket with a demo- id, are refused', () => {
    const bad = decideTarget(inputs({ projectId: 'demo-Has_Caps' }));
    expect(bad).toMatchObject({ kind: 'refused', reason: 'invalid-project-id' });
    const bucket = decideTarget(inputs({ projectId: 'demo-x', bucket: 'b.appspot.com' }));
    expect(bucket).toMatchObject({ kind: 'refused', reason: 'bucket-without-production' });
  });

  it('a real id on an emulator-only command is refused, even with --allow-production --yes', () => {
    const d = decideTarget(
      inputs({
        command: 'bench',
        projectId: 'acme-prod',
        policy: EMULATOR_ONLY,
        allowProduction: true,
        yes: true,
      }),
    );
    expect(d).toMatchObject({ kind: 'refused', reason: 'emulator-only-command' });
    if (d.kind === 'refused') {
      expect(d.message).toContain('"acme-prod"');
      expect(d.message).toContain('`bench` runs only against emulators');
    }
  });

  it('a real id with an emulator configured is refused and names where the emulator comes from', () => {
    const one = decideTarget(
      inputs({ projectId: 'acme-prod', emulators: [ENV_HINT], allowProduction: true }),
    );
    expect(one).toMatchObject({ kind: 'refused', reason: 'emulator-with-real-project-id' });
    if (one.kind === 'refused') {
      expect(one.message).toContain('FIRESTORE_EMULATOR_HOST=127.0.0.1:8080 points at an emulator');
      expect(one.message).toMatch(/emulator project ids must start with "demo-"/);
    }
    const two = decideTarget(
      inputs({
        projectId: 'acme-prod',
        emulators: [ENV_HINT, { source: 'flag', label: '--storage 127.0.0.1:9199' }],
      }),
    );
    if (two.kind !== 'refused') throw new Error('expected a refusal');
    expect(two.message).toContain(
      'FIRESTORE_EMULATOR_HOST=127.0.0.1:8080 and --storage 127.0.0.1:9199 point at an emulator',
    );
  });

  it('a malformed real id and a malformed --bucket are refused', () => {
    for (const projectId of ['Acme_Prod', 'abc', '1acme-prod', 'acme-prod-'])
      expect(decideTarget(inputs({ projectId, allowProduction: true })), projectId).toMatchObject({
        kind: 'refused',
        reason: 'invalid-project-id',
      });
    expect(
      decideTarget(
        inputs({ projectId: 'acme-prod', allowProduction: true, bucket: 'gs://acme-prod' }),
      ),
    ).toMatchObject({ kind: 'refused', reason: 'invalid-bucket' });
  });

  it('a real id without --allow-production is refused with both ways out', () => {
    const d = decideTarget(inputs({ projectId: 'acme-prod', yes: true, interactive: true }));
    expect(d).toMatchObject({ kind: 'refused', reason: 'production-not-allowed' });
    if (d.kind === 'refused') {
      expect(d.message).toContain('Project "acme-prod" is a real Firebase project');
      expect(d.message).toMatch(/starting with "demo-"/);
      expect(d.message).toContain('add --allow-production');
    }
  });

  it('with --allow-production: no confirmation for commands that do not ask', () => {
    expect(decideTarget(inputs({ projectId: 'acme-prod', allowProduction: true }))).toEqual({
      kind: 'production',
      projectId: 'acme-prod',
      bucket: 'acme-prod.appspot.com',
      confirmation: 'not-needed',
    });
    expect(
      decideTarget(
        inputs({
          projectId: 'acme-prod',
          allowProduction: true,
          bucket: 'acme-prod.firebasestorage.app',
        }),
      ),
    ).toMatchObject({ kind: 'production', bucket: 'acme-prod.firebasestorage.app' });
  });

  it('with --allow-production, a confirming command: --yes, else a terminal prompt, else refused', () => {
    const base = inputs({
      command: 'seed',
      projectId: 'acme-prod',
      policy: CONFIRMING,
      allowProduction: true,
    });
    expect(decideTarget({ ...base, yes: true })).toMatchObject({ confirmation: 'given' });
    expect(decideTarget({ ...base, yes: true, interactive: true })).toMatchObject({
      confirmation: 'given',
    });
    expect(decideTarget({ ...base, interactive: true })).toMatchObject({
      kind: 'production',
      confirmation: 'prompt',
    });
    const refused = decideTarget(base);
    expect(refused).toMatchObject({ kind: 'refused', reason: 'confirmation-needs-terminal' });
    if (refused.kind === 'refused') {
      expect(refused.message).toContain('"acme-prod"');
      expect(refused.message).toContain('--yes');
    }
  });

  it('every refusal says that nothing was written', () => {
    const refusals = [
      inputs({ projectId: 'demo-Bad' }),
      inputs({ projectId: 'demo-x', bucket: 'b' }),
      inputs({ projectId: 'acme-prod', policy: EMULATOR_ONLY }),
      inputs({ projectId: 'acme-prod', emulators: [ENV_HINT] }),
      inputs({ projectId: 'Acme' }),
      inputs({ projectId: 'acme-prod', allowProduction: true, bucket: '-' }),
      inputs({ projectId: 'acme-prod' }),
      inputs({ projectId: 'acme-prod', policy: CONFIRMING, allowProduction: true }),
    ].map(decideTarget);
    // All seven reasons are among them.
    expect(new Set(refusals.map((d) => (d.kind === 'refused' ? d.reason : d.kind))).size).toBe(7);
    for (const d of refusals) {
      if (d.kind !== 'refused') throw new Error(`expected a refusal, got ${d.kind}`);
      expect(d.message).toMatch(/Nothing was written\.$/);
    }
  });

  it('the target line names project, Firestore and bucket', () => {
    expect(productionTargetLine({ projectId: 'acme-prod', bucket: 'acme-prod.appspot.com' })).toBe(
      'PRODUCTION: Firebase project "acme-prod" (Firestore firestore.googleapis.com, Storage bucket acme-prod.appspot.com) — real user data may be written.',
    );
    expect(productionTargetLine({ projectId: 'p-123456', bucket: 'b.x' }, true)).toMatch(
      /— read only\.$/,
    );
  });

  it('every command of the CLI has a target policy (a new command cannot skip the guard)', () => {
    const leaves: string[] = [];
    const walk = (command: Command, prefix: string[]) => {
      for (const sub of command.commands) {
        const name = [...prefix, sub.name()];
        if (sub.commands.length === 0) leaves.push(name.join(' '));
        else walk(sub, name);
      }
    };
    walk(buildProgram(), []);
    expect(leaves.sort()).toEqual(Object.keys(COMMAND_TARGET_POLICIES).sort());
    // What the security issue asks: these four confirm; the harness commands stay on emulators.
    for (const name of [
      'seed',
      'clean',
      'adopt',
      'bench',
      'scenario run',
      'scenario fuzz',
    ] as const)
      expect(COMMAND_TARGET_POLICIES[name].confirm, name).toBe(true);
    for (const name of [
      'run',
      'scenario run',
      'scenario fuzz',
      'bench',
      'emulators start',
    ] as const)
      expect(COMMAND_TARGET_POLICIES[name].production, name).toBe('emulator-only');
  });
});

function serviceAccount(dir: string, projectId = 'acme-prod', name = 'key.json'): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    JSON.stringify({
      type: 'service_account',
      project_id: projectId,
      private_key_id: 'test',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: `sync@${projectId}.iam.gserviceaccount.com`,
      client_id: '1',
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
  );
  return file;
}

describe('findCredentials', () => {
  const noGcloud = () => ({ CLOUDSDK_CONFIG: path.join(tempDir(), 'no-gcloud') });

  it('none anywhere: says how to provide them', () => {
    expect(() => findCredentials('acme-prod', noGcloud())).toThrow(EnvironmentError);
    expect(() => findCredentials('acme-prod', noGcloud())).toThrow(
      /No credentials for the Firebase project "acme-prod".*GOOGLE_APPLICATION_CREDENTIALS.*gcloud auth application-default login.*No connection was opened/,
    );
  });

  it('GOOGLE_APPLICATION_CREDENTIALS must name a readable Google credentials file', () => {
    const dir = tempDir();
    const cases: Array<[string, RegExp]> = [
      [path.join(dir, 'missing.json'), /missing\.json does not exist/],
      [dir, /is a folder, not a key file/],
    ];
    fs.writeFileSync(path.join(dir, 'text.json'), 'not json');
    cases.push([path.join(dir, 'text.json'), /is not JSON/]);
    fs.writeFileSync(path.join(dir, 'other.json'), '{"type":"something"}');
    cases.push([path.join(dir, 'other.json'), /its "type" is "something"/]);
    fs.writeFileSync(path.join(dir, 'half.json'), '{"type":"service_account"}');
    cases.push([path.join(dir, 'half.json'), /without "private_key" or "client_email"/]);
    for (const [file, message] of cases) {
      // A broken explicit file is an error even when gcloud's file would exist: no fallback.
      const attempt = () =>
        findCredentials('acme-prod', { ...noGcloud(), GOOGLE_APPLICATION_CREDENTIALS: file });
      expect(attempt, file).toThrow(EnvironmentError);
      expect(attempt, file).toThrow(message);
    }
  });

  it('finds a service-account file, or gcloud’s application-default login', () => {
    const dir = tempDir();
    const key = serviceAccount(dir, 'acme-staging');
    const found = findCredentials('acme-prod', {
      ...noGcloud(),
      GOOGLE_APPLICATION_CREDENTIALS: key,
    });
    expect(found).toMatchObject({
      file: key,
      from: 'GOOGLE_APPLICATION_CREDENTIALS',
      type: 'service_account',
      projectId: 'acme-staging',
    });
    expect(describeCredentials(found, 'acme-prod')).toMatch(
      /service account sync@acme-staging.*belongs to project "acme-staging", not "acme-prod"/,
    );
    const gcloud = path.join(dir, 'gcloud');
    fs.mkdirSync(gcloud);
    fs.writeFileSync(
      path.join(gcloud, 'application_default_credentials.json'),
      '{"type":"authorized_user","client_id":"x","client_secret":"y","refresh_token":"z"}',
    );
    expect(findCredentials('acme-prod', { CLOUDSDK_CONFIG: gcloud })).toMatchObject({
      from: 'gcloud',
      type: 'authorized_user',
    });
  });
});

describe('guardTarget (the CLI guard, with injected terminal and environment)', () => {
  const options = (overrides: Partial<GlobalOptions> = {}): GlobalOptions => ({
    user: 'user-1',
    device: 'device-1',
    json: false,
    dataDir: tempDir(),
    allowProduction: true,
    yes: false,
    quiet: false,
    verbose: false,
    project: 'acme-prod',
    ...overrides,
  });
  const io = (overrides: Partial<GuardIo> & { answer?: boolean } = {}) => {
    const events: string[] = [];
    const value: GuardIo = {
      env: { CLOUDSDK_CONFIG: path.join(tempDir(), 'no-gcloud') },
      stderr: { write: (text: string) => events.push(`stderr: ${text.trim()}`) > 0 },
      interactive: true,
      confirm: async (projectId, command) => {
        events.push(`confirm ${command} ${projectId}`);
        return overrides.answer ?? true;
      },
      ...overrides,
    };
    return { value, events };
  };

  it('names the target, then asks; a confirmed seed goes ahead', async () => {
    const { value, events } = io();
    await expect(guardTarget(options(), 'seed', value)).resolves.toEqual({
      kind: 'production',
      projectId: 'acme-prod',
      bucket: 'acme-prod.appspot.com',
    });
    expect(events).toEqual([
      expect.stringMatching(/^stderr: PRODUCTION: Firebase project "acme-prod"/),
      'confirm seed acme-prod',
    ]);
  });

  it('an answer other than the project id stops the command (exit 2)', async () => {
    const { value } = io({ answer: false });
    const attempt = guardTarget(options(), 'clean', value);
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(guardTarget(options(), 'clean', value)).rejects.toThrow(
      /Not confirmed: `clean` did not run against the Firebase project "acme-prod"/,
    );
  });

  it('--yes does not ask; a command that does not confirm never asks', async () => {
    const yes = io();
    await guardTarget(options({ yes: true }), 'seed', yes.value);
    const status = io();
    await guardTarget(options(), 'status', status.value);
    for (const { events } of [yes, status]) expect(events.join('\n')).not.toContain('confirm');
    expect(status.events[0]).toMatch(/— read only\.$/);
  });

  it('a connecting command without credentials: target line first, then EnvironmentError', async () => {
    const { value, events } = io();
    await expect(guardTarget(options({ json: true }), 'sync', value)).rejects.toBeInstanceOf(
      EnvironmentError,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/^stderr: PRODUCTION:/);
  });

  it('a connecting command with credentials says whose they are (not with --quiet)', async () => {
    const key = serviceAccount(tempDir());
    const { value, events } = io({ env: { GOOGLE_APPLICATION_CREDENTIALS: key } });
    await guardTarget(options(), 'watch', value);
    expect(events[1]).toContain('Credentials: service account sync@acme-prod');
    const quiet = io({ env: { GOOGLE_APPLICATION_CREDENTIALS: key } });
    await guardTarget(options({ quiet: true }), 'watch', quiet.value);
    expect(quiet.events).toHaveLength(1);
  });

  it('a running `emulators start` in the data directory counts as an emulator', async () => {
    const dataDir = tempDir();
    writeRegistration(dataDir, {
      pid: process.pid,
      projectId: 'demo-reg',
      firestore: '127.0.0.1:1',
      storage: '127.0.0.1:2',
      startedAt: new Date().toISOString(),
    });
    const { value } = io();
    await expect(guardTarget(options({ dataDir }), 'sync', value)).rejects.toThrow(
      /the emulators running for .* \(`emulators start`, pid \d+\) points at an emulator/,
    );
    // Without --project, the registered demo project is the target.
    await expect(
      guardTarget(options({ dataDir, project: undefined }), 'sync', value),
    ).resolves.toEqual({ kind: 'emulator', projectId: 'demo-reg' });
  });
});

describe('confirmProduction (the terminal prompt, with injected streams)', () => {
  async function answer(text: string | null): Promise<{ confirmed: boolean; shown: string }> {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d) => (shown += d));
    const confirmed = confirmProduction('acme-prod', 'seed', { input, output });
    setTimeout(() => (text === null ? input.end() : input.write(text)), 20);
    return { confirmed: await confirmed, shown };
  }

  it('only the exact project id confirms', async () => {
    const yes = await answer('acme-prod\n');
    expect(yes.confirmed).toBe(true);
    expect(yes.shown).toContain('Type the project id "acme-prod"');
    expect((await answer('y\n')).confirmed).toBe(false);
    expect((await answer('\n')).confirmed).toBe(false);
    expect((await answer('acme-prod-2\n')).confirmed).toBe(false);
  });

  it('a closed input (Ctrl-D, no terminal after all) is not a confirmation', async () => {
    expect((await answer(null)).confirmed).toBe(false);
  });
});

describe('production clients', () => {
  const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  afterEach(() => {
    if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
  });

  it('are built for the real endpoints and closed without opening a connection', async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = serviceAccount(tempDir());
    const clients = createFirebaseClients(
      { kind: 'production', projectId: 'acme-prod', bucket: 'acme-prod.appspot.com' },
      'prod-test',
    );
    try {
      expect(clients.app.options.projectId).toBe('acme-prod');
      expect(clients.app.options.credential).toBeDefined();
      const bucket = clients.bucket();
      expect(bucket.name).toBe('acme-prod.appspot.com');
      expect(bucket.storage.apiEndpoint).toBe('https://storage.googleapis.com');
      // No emulator host was set on Firestore: it keeps Google's default endpoint and TLS.
      const settings = (clients.firestore as unknown as { _settings: Record<string, unknown> })
        ._settings;
      expect(settings.host).toBeUndefined();
      expect(settings.ssl).not.toBe(false);
    } finally {
      await clients.close();
    }
    // The loopback guard of this worker fails the file on any connection attempt (afterAll).
  });

  it('without a bucket, asking for Storage is an error', async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = serviceAccount(tempDir());
    const clients = createFirebaseClients(
      { kind: 'production', projectId: 'acme-prod', bucket: null },
      'prod-nobucket',
    );
    try {
      expect(() => clients.bucket()).toThrow(/without a Storage bucket/);
    } finally {
      await clients.close();
    }
  });
});

// --- Through the real CLI, in child processes that cannot reach the network ------------------

const DENY_NETWORK = path.resolve(__dirname, '..', 'helpers', 'deny-network.cjs');

/** No credentials anywhere, no emulator variables, and a network guard in the child. */
function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const home = tempDir();
  return runCli(args, {
    GOOGLE_APPLICATION_CREDENTIALS: undefined,
    HOME: home,
    CLOUDSDK_CONFIG: path.join(home, 'gcloud'),
    NODE_OPTIONS: `--require ${DENY_NETWORK}`,
    ...env,
  });
}

/** Every file under `dir` with its size and modification time: "nothing written" made testable. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const stat = fs.statSync(file);
    out[path.relative(dir, file)] = entry.isDirectory() ? 'dir' : `${stat.size}@${stat.mtimeMs}`;
  }
  return out;
}

const COMMANDS: Record<string, string[]> = {
  seed: ['seed', '--count', '5'],
  clean: ['clean', '--cache'],
  sync: ['sync'],
  status: ['status'],
  watch: ['watch', '--for', '1s'],
  adopt: ['adopt', '--dry-run'],
  run: ['run', '--offline-for', '1s'],
  bench: ['bench', '--records', '5', '--runs', '1'],
  'scenario run': [
    'scenario',
    'run',
    path.resolve(__dirname, '..', '..', 'scenarios', 'black-hole.yaml'),
  ],
  'scenario fuzz': ['scenario', 'fuzz', '--runs', '1'],
};

describe('personalai-sync against a real project id (CLI)', () => {
  it.each(Object.keys(COMMANDS))(
    '%s: without --allow-production, exit 2 and nothing in the data directory',
    async (name) => {
      const dataDir = path.join(tempDir(), 'data');
      const result = await cli([
        '--data-dir',
        dataDir,
        '--project',
        'acme-prod',
        ...COMMANDS[name],
      ]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('"acme-prod"');
      expect(result.stderr).toMatch(/demo-/);
      expect(result.stderr).toMatch(
        /is a real Firebase project.*add --allow-production|runs only against emulators/,
      );
      expect(result.stderr).not.toContain('PRODUCTION:');
      expect(result.stderr).not.toContain('NETWORK-GUARD');
      expect(fs.existsSync(dataDir)).toBe(false);
    },
  );

  it.each(['seed', 'clean', 'adopt', 'bench', 'scenario run', 'scenario fuzz'])(
    '%s: with --allow-production but no --yes and no terminal, exit 2 naming the project, nothing created',
    async (name) => {
      const dataDir = path.join(tempDir(), 'data');
      const result = await cli([
        '--data-dir',
        dataDir,
        '--project',
        'acme-prod',
        '--allow-production',
        ...COMMANDS[name],
      ]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('"acme-prod"');
      expect(result.stderr).toMatch(
        /needs a confirmation, and there is no terminal.*--yes|runs only against emulators/,
      );
      expect(result.stderr).toMatch(/Nothing was written\./);
      expect(result.stderr).not.toContain('NETWORK-GUARD');
      expect(fs.existsSync(dataDir)).toBe(false);
    },
  );

  it('seed --yes writes the confirmed device database; status reads it without contacting the project; sync and watch stop at the missing credentials', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const base = ['--data-dir', dataDir, '--project', 'acme-prod', '--allow-production'];
    const seeded = await cli([...base, '--yes', ...COMMANDS.seed]);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stderr.split('\n')[0]).toBe(
      'PRODUCTION: Firebase project "acme-prod" (Firestore firestore.googleapis.com, Storage bucket acme-prod.appspot.com) — real user data may be written.',
    );
    expect(seeded.stdout).toMatch(/Seeded 5 pending records/);

    const status = await cli([...base, '--json', 'status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toMatch(/^PRODUCTION: Firebase project "acme-prod" .* — read only\.\n$/);
    expect(JSON.parse(status.stdout).result).toMatchObject({
      target: 'production',
      project: 'acme-prod',
      firestore: 'firestore.googleapis.com',
      isOnline: null,
      indicator: '5 pending',
    });

    const before = snapshot(dataDir);
    for (const args of [COMMANDS.sync, ['--json', ...COMMANDS.sync], COMMANDS.watch]) {
      const result = await cli([...base, ...args]);
      expect(result.code, result.stderr).toBe(3);
      const lines = result.stderr.trim().split('\n');
      expect(lines[0]).toMatch(/^PRODUCTION: Firebase project "acme-prod"/);
      const error = args.includes('--json')
        ? JSON.parse(result.stdout).error.message
        : lines.slice(1).join('\n');
      expect(error).toMatch(
        /No credentials for the Firebase project "acme-prod".*GOOGLE_APPLICATION_CREDENTIALS.*No connection was opened/,
      );
      expect(result.stderr).not.toContain('NETWORK-GUARD');
    }
    expect(snapshot(dataDir)).toEqual(before);

    const missing = path.join(tempDir(), 'missing-key.json');
    const broken = await cli([...base, ...COMMANDS.sync], {
      GOOGLE_APPLICATION_CREDENTIALS: missing,
    });
    expect(broken.code).toBe(3);
    expect(broken.stderr).toContain(`GOOGLE_APPLICATION_CREDENTIALS=${missing} does not exist`);
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('an emulator variable with a real project id is refused (exit 2) and named', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const result = await cli(
      ['--data-dir', dataDir, '--project', 'acme-prod', '--allow-production', 'sync'],
      { FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080' },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('FIRESTORE_EMULATOR_HOST=127.0.0.1:8080 points at an emulator');
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('a demo- project with --allow-production is the emulator target as before (no target line)', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const result = await cli([
      '--data-dir',
      dataDir,
      '--project',
      'demo-allowed',
      '--allow-production',
      ...COMMANDS.seed,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('PRODUCTION');
  });

  it('the child-process network guard does block (so its silence above means something)', () => {
    const probe = spawnSync(
      process.execPath,
      ['-e', "require('node:net').connect(443, '203.0.113.1').on('error', () => {})"],
      { env: { ...process.env, NODE_OPTIONS: `--require ${DENY_NETWORK}` }, encoding: 'utf8' },
    );
    expect(probe.stderr).toContain('NETWORK-GUARD: blocked a connection to 203.0.113.1');
  });
});

// On a real terminal (util-linux `script` gives the CLI a pseudo-terminal): the typed project id.
// `script` missing: no pseudo-terminal to type into; the injected-stream tests above still cover
// the prompt.
const hasScript = scriptAvailable(
  'production-guard',
  'skipped the real-terminal confirmation tests',
);

describe.skipIf(!hasScript)('the confirmation on a real terminal (CLI under `script`)', () => {
  /** Runs the CLI on a pseudo-terminal and types `answer` once the prompt shows. */
  function onTerminal(
    args: string[],
    answer: string,
  ): Promise<{ code: number | null; out: string }> {
    const home = tempDir();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      CLOUDSDK_CONFIG: path.join(home, 'gcloud'),
      NODE_OPTIONS: `--require ${DENY_NETWORK}`,
      NO_COLOR: '1',
    };
    for (const name of [
      'FIRESTORE_EMULATOR_HOST',
      'FIREBASE_STORAGE_EMULATOR_HOST',
      'STORAGE_EMULATOR_HOST',
      'GOOGLE_APPLICATION_CREDENTIALS',
    ])
      delete env[name];
    const child = spawnOnTerminal(args, env, { typing: true });
    let out = '';
    let typed = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (!typed && out.includes('Type the project id')) {
        typed = true;
        child.stdin!.write(`${answer}\r`);
      }
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`timed out; terminal showed:\n${out}`));
      }, 60_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
    });
  }

  it('the typed project id confirms seed; anything else stops clean with exit 2', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const base = ['--data-dir', dataDir, '--project', 'acme-prod', '--allow-production'];
    const confirmed = await onTerminal([...base, ...COMMANDS.seed], 'acme-prod');
    expect(confirmed.code, confirmed.out).toBe(0);
    const shown = confirmed.out.indexOf('PRODUCTION: Firebase project "acme-prod"');
    expect(shown).toBeGreaterThanOrEqual(0);
    expect(confirmed.out.indexOf('Type the project id')).toBeGreaterThan(shown);
    expect(confirmed.out).toMatch(/Seeded 5 pending records/);
    expect(confirmed.out).not.toContain('NETWORK-GUARD');

    const before = snapshot(dataDir);
    const declined = await onTerminal([...base, 'clean', '--cache'], 'yes');
    expect(declined.code, declined.out).toBe(2);
    expect(declined.out).toMatch(
      /Not confirmed: `clean` did not run against the Firebase project "acme-prod"/,
    );
    expect(snapshot(dataDir)).toEqual(before);
  });
});
