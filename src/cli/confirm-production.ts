/**
 * The confirmation a production target asks for `seed`, `bench`, `scenario` and `clean` on a
 * terminal: the user types the project id (a yes/no is too easy to give by reflex). Asked on
 * stderr, so stdout stays the command's. Anything else, an empty answer or Ctrl-C cancels.
 */
export interface PromptStreams {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

export async function confirmProduction(
  projectId: string,
  command: string,
  streams: PromptStreams = {},
): Promise<boolean> {
  const { input } = require('@inquirer/prompts') as typeof import('@inquirer/prompts');
  const stdin = streams.input ?? process.stdin;
  // An input that ends before an answer (Ctrl-D, a closed pipe) cancels: the prompt alone may
  // keep waiting for a line that never comes.
  const controller = new AbortController();
  const cancel = () => controller.abort();
  stdin.once('end', cancel);
  stdin.once('close', cancel);
  try {
    const answer = await input(
      {
        message: `Type the project id "${projectId}" to run \`${command}\` against this real Firebase project (anything else cancels):`,
      },
      { input: stdin, output: streams.output ?? process.stderr, signal: controller.signal },
    );
    return answer.trim() === projectId;
  } catch (error) {
    // Ctrl-C, or the input closed before an answer: not a confirmation.
    if (error instanceof Error && /ExitPromptError|AbortPromptError/.test(error.name)) return false;
    throw error;
  } finally {
    stdin.off('end', cancel);
    stdin.off('close', cancel);
  }
}
