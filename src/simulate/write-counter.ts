import type { RemoteStore } from '../sync/remote-store';

/**
 * Counts a device's commits where its remote is wired, between the engine (and its injected
 * faults) and the real remote: a commit counts once the real call returned, and the documents it
 * wrote are the outcomes the server called written (conflicts wrote nothing). So a scenario's
 * `writes` expectation does not take the engine's own word for how it batched.
 * A commit that a deadline gave up on before its reply is not counted, though it may have landed.
 */
export class WriteCounter {
  commits = 0;
  documents = 0;

  remote(real: RemoteStore): RemoteStore {
    return {
      pullPage: (...args) => real.pullPage(...args),
      ...(real.pullVersions && { pullVersions: real.pullVersions.bind(real) }),
      getMany: (...args) => real.getMany(...args),
      ...(real.findUnseen && { findUnseen: real.findUnseen.bind(real) }),
      reportProgress: (...args) => real.reportProgress(...args),
      commit: async (...args) => {
        const outcomes = await real.commit(...args);
        this.commits += 1;
        this.documents += outcomes.filter((o) => o.status === 'written').length;
        return outcomes;
      },
    };
  }
}
