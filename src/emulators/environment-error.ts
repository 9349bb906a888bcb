/**
 * The environment cannot provide what is needed (emulator missing, port taken, Java absent).
 * The CLI maps it to exit code 3; the message always says what to do.
 */
export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}
