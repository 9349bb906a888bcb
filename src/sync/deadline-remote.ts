import type { RemoteStore } from './remote-store';

/**
 * A client-side deadline on every remote call, so that a network that accepts and never answers
 * (a black hole) makes a sync fail and retry instead of hanging. The abandoned call may still
 * land later; writes state their base version, so a late landing is recognised, not doubled.
 */
export function withDeadline(remote: RemoteStore, ms: number): RemoteStore {
  const bounded = <T>(what: string, call: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            Object.assign(new Error(`DEADLINE_EXCEEDED: ${what} got no answer within ${ms} ms`), {
              code: 4,
            }),
          ),
        ms,
      );
      timer.unref?.();
      call.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  const findUnseen = remote.findUnseen?.bind(remote);
  const pullVersions = remote.pullVersions?.bind(remote);
  return {
    ...(pullVersions && {
      pullVersions: (...args: Parameters<typeof pullVersions>) =>
        bounded(`pull ${args[0]}`, pullVersions(...args)),
    }),
    ...(findUnseen && {
      findUnseen: (...args: Parameters<typeof findUnseen>) =>
        bounded(`unseen check ${args[0]}`, findUnseen(...args)),
    }),
    pullPage: (...args) => bounded(`pull ${args[0]}`, remote.pullPage(...args)),
    getMany: (...args) => bounded(`read ${args[0]}`, remote.getMany(...args)),
    commit: (...args) => bounded(`commit ${args[0]}`, remote.commit(...args)),
    reportProgress: (...args) => bounded('progress report', remote.reportProgress(...args)),
  };
}
