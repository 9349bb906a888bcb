import fs from 'node:fs';
import path from 'node:path';
import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main';

/**
 * Every `personalai-sync …` command line in the README's and the command docs' code blocks must
 * name real (sub)commands and flags of the CLI as built (no emulator needed). The pages that
 * received the README's former command sections are checked too.
 */
const ROOT = path.resolve(__dirname, '../..');
const FILES = ['README.md', 'docs/commands.md', 'docs/emulators.md', 'docs/bench.md'];

interface CommandLine {
  where: string;
  text: string;
}

/** Lines starting with `personalai-sync` or `npx personalai-sync` inside fenced code blocks. */
function commandLines(file: string): CommandLine[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const found: CommandLine[] = [];
  let fence: string | undefined;
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    const marker = /^(`{3,}|~{3,})/.exec(trimmed)?.[1];
    if (marker) {
      if (fence === undefined) fence = marker;
      else if (trimmed.startsWith(fence) && trimmed.slice(fence.length).trim() === '')
        fence = undefined;
      return;
    }
    if (fence !== undefined && /^(npx\s+)?personalai-sync(\s|$)/.test(trimmed))
      found.push({ where: `${file}:${index + 1}`, text: trimmed });
  });
  return found;
}

const LINES = FILES.flatMap(commandLines);

/** The invocations on a line: comments dropped, split at `&&`, `;` and shell pipes. */
function invocations(line: string): string[][] {
  const code = line.replace(/(^|\s)#.*$/, '');
  return code
    .split(/&&|;|\s\|\s/)
    .map((part) =>
      part
        .trim()
        .split(/\s+/)
        .map((word) => word.replace(/^\[+|\]+$/g, ''))
        .filter((word) => word !== '' && word !== '…' && word !== '...'),
    )
    .filter((words) => words[0] === 'personalai-sync' || words[1] === 'personalai-sync')
    .map((words) => words.slice(words.indexOf('personalai-sync') + 1));
}

function findOption(chain: Command[], flag: string): Option | undefined {
  for (const command of chain)
    for (const option of command.options)
      if (option.long === flag || option.short === flag) return option;
  return undefined;
}

/**
 * Walks the words through the program: a word naming a subcommand descends (`a|b|c` names
 * alternatives, each followed); a flag must be an option of the command reached, of an ancestor
 * (the global options are the program's), or help. Returns what is wrong, empty when nothing.
 */
function problemsOf(program: Command, words: string[]): string[] {
  const problems: string[] = [];
  let chains: Command[][] = [[program]];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.startsWith('-')) {
      const flag = word.split('=')[0];
      if (flag === '--help' || flag === '-h') continue;
      let takesValue = false;
      for (const chain of chains) {
        const option = findOption(chain, flag);
        const at = chain.map((c) => c.name()).join(' ');
        if (!option) problems.push(`${flag} is not an option of "${at}" or of a command above it`);
        else if (!word.includes('=') && (option.required || option.optional)) takesValue = true;
      }
      const next = words[i + 1];
      if (takesValue && next !== undefined && !next.startsWith('-')) i++;
      continue;
    }
    const names = word.split('|');
    const next: Command[][] = [];
    for (const chain of chains) {
      const leaf = chain[chain.length - 1];
      if (leaf.commands.length === 0) {
        next.push(chain); // a positional argument of the leaf
        continue;
      }
      for (const name of names) {
        const sub = leaf.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (sub) next.push([...chain, sub]);
        else problems.push(`"${leaf.name()}" has no command "${name}"`);
      }
    }
    chains = next;
  }
  return problems;
}

describe('command lines in the README and docs/commands.md', () => {
  it('finds enough command lines to mean something', () => {
    expect(LINES.length).toBeGreaterThanOrEqual(10);
    expect(LINES.filter((line) => line.where.startsWith('README.md')).length).toBeGreaterThan(0);
    expect(
      LINES.filter((line) => line.where.startsWith('docs/commands.md')).length,
    ).toBeGreaterThan(0);
  });

  it.each(LINES)('$where: $text', ({ text }) => {
    const program = buildProgram({ jsonErrors: true });
    const calls = invocations(text);
    expect(calls.length).toBeGreaterThan(0);
    for (const words of calls) expect(problemsOf(program, words)).toEqual([]);
  });

  it('catches an unknown flag and an unknown command (the checker itself)', () => {
    const program = buildProgram({ jsonErrors: true });
    expect(problemsOf(program, ['sync', '--no-such-flag'])).toHaveLength(1);
    expect(problemsOf(program, ['emulators', 'restart'])).toHaveLength(1);
    expect(problemsOf(program, ['--sdk', 'client', 'seed'])).not.toEqual([]);
    expect(problemsOf(program, ['--user', 'u', 'records', 'list|show', '--limit', '5'])).toEqual([
      '--limit is not an option of "personalai-sync records show" or of a command above it',
    ]);
    expect(problemsOf(program, ['scenario', 'fuzz', '--no-shrink', '--seed', '7'])).toEqual([]);
  });
});
