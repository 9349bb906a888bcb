import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { backendArgs, uniqueUserId } from '../helpers/backend';
import { BIN } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * `run --strategy ask-user` on a real terminal (a pseudo-terminal from util-linux `script`): the
 * edits made offline on two devices meet as conflicts, each is asked at the prompt, and Ctrl-C at
 * the prompt (a key there: the prompt holds the terminal in raw mode) stops the run like Ctrl-C
 * anywhere else — the conflict is asked again, the drain finishes, the report is printed, exit 130.
 */
describe('run --strategy ask-user on a terminal', () => {
  const tempDir = useTempDir();

  it('asks about the conflicts the offline edits make, and Ctrl-C at the prompt stops the run with its report', async () => {
    const user = uniqueUserId('ask-tty');
    const args = [
      '--data-dir',
      tempDir(),
      '--user',
      user,
      '--seed',
      '41',
      ...backendArgs(),
      'run',
      '--devices',
      '2',
      '--online-for',
      '3s',
      '--offline-for',
      '2s',
      '--record-rate',
      '0',
      '--edit-rate',
      '2/s',
      '--strategy',
      'ask-user',
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    // ora draws nothing where CI is set; the spinner must be drawn here to be seen not drawing.
    for (const name of [
      'CI',
      'FIRESTORE_EMULATOR_HOST',
      'FIREBASE_STORAGE_EMULATOR_HOST',
      'STORAGE_EMULATOR_HOST',
      'FIREBASE_AUTH_EMULATOR_HOST',
    ])
      delete env[name];
    const command = `stty cols 120 rows 40; exec ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (d) => (screen += d));
    child.stderr.on('data', (d) => (screen += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const until = async (text: string) => {
      while (!screen.includes(text) && child.exitCode === null)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(screen, `waiting for "${text}"`).toContain(text);
    };
    try {
      await until('which version do you keep?');
      // The spinner stands aside while the person decides: no frame is drawn over the prompt (ora
      // redraws every 80 ms, so the old code drew several in this wait).
      await new Promise((resolve) => setTimeout(resolve, 800));
      const prompt = screen.slice(screen.indexOf('which version do you keep?'));
      expect(prompt).not.toMatch(/recorded \d+, pending \d+/);
      child.stdin.write('\x03');
      await until('stopping: answer this conflict');
      // Enter keeps "This device (local)" at this prompt and at any the drain asks after it.
      const answering = setInterval(() => child.stdin.write('\r'), 300);
      const code = await exited;
      clearInterval(answering);
      expect(code, screen).toBe(130);
      expect(screen).toMatch(/Ctrl-C: stopping/);
      expect(screen).toMatch(/edited offline 8, deleted offline 0 .*; conflicts [1-9]/);
      expect(screen).toMatch(/stopped by a signal after 1 online\/offline cycle/);
      expect(screen).toMatch(/invariants: all hold/);
    } finally {
      // A failed expectation must not leave the run waiting at its prompt (it held an emulator).
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180_000);
});
