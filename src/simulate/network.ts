import { type FaultProxy, HEALTHY_LINK, type LinkFaults, type NetworkMode } from './fault-proxy';

/**
 * One simulated device's network: its fault proxies (Firestore, Storage) switched together, and
 * the app's NetworkMonitor (`isOnline()`, `onStatusChange()`) reading the same state. In
 * black-hole mode the monitor says online — the phone believes it is connected while nothing
 * answers, which is what makes that fault worth simulating.
 */
export class SimulatedNetwork {
  private mode: NetworkMode = 'online';
  private cut = false;
  private faults: LinkFaults = HEALTHY_LINK;
  private readonly listeners = new Set<(online: boolean) => void>();
  private readonly modeListeners = new Set<(mode: NetworkMode) => void>();

  constructor(private readonly proxies: FaultProxy[]) {}

  isOnline(): boolean {
    return this.mode !== 'refuse';
  }

  get currentMode(): NetworkMode {
    return this.mode;
  }

  /** A black hole that cut the open connections (the old kind), rather than holding them. */
  get cutsConnections(): boolean {
    return this.cut;
  }

  /** Latency, jitter, bandwidth and drops, applied per call on the virtual clock (virtual-link.ts). */
  get link(): LinkFaults {
    return this.faults;
  }

  /** Every mode change, black holes included (the app's listeners above hear only online/offline). */
  onModeChange(listener: (mode: NetworkMode) => void): () => void {
    this.modeListeners.add(listener);
    return () => {
      this.modeListeners.delete(listener);
    };
  }

  onStatusChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async setMode(mode: NetworkMode, options: { cut?: boolean } = {}): Promise<void> {
    const wasOnline = this.isOnline();
    this.mode = mode;
    this.cut = mode === 'blackhole' && Boolean(options.cut);
    await Promise.all(this.proxies.map((p) => p.setMode(mode, options)));
    for (const listener of this.modeListeners) listener(mode);
    if (wasOnline !== this.isOnline())
      for (const listener of this.listeners) listener(this.isOnline());
  }

  setFaults(faults: Partial<LinkFaults>): void {
    this.faults = { ...this.faults, ...faults };
  }

  async close(): Promise<void> {
    await Promise.all(this.proxies.map((p) => p.close()));
  }
}
