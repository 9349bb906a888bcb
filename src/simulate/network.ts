import type { FaultProxy, LinkFaults, NetworkMode } from './fault-proxy';

/**
 * One simulated device's network: its fault proxies (Firestore, Storage) switched together, and
 * the app's NetworkMonitor (`isOnline()`, `onStatusChange()`) reading the same state. In
 * black-hole mode the monitor says online — the phone believes it is connected while nothing
 * answers, which is what makes that fault worth simulating.
 */
export class SimulatedNetwork {
  private mode: NetworkMode = 'online';
  private readonly listeners = new Set<(online: boolean) => void>();

  constructor(private readonly proxies: FaultProxy[]) {}

  isOnline(): boolean {
    return this.mode !== 'refuse';
  }

  get currentMode(): NetworkMode {
    return this.mode;
  }

  onStatusChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async setMode(mode: NetworkMode): Promise<void> {
    const wasOnline = this.isOnline();
    this.mode = mode;
    await Promise.all(this.proxies.map((p) => p.setMode(mode)));
    if (wasOnline !== this.isOnline())
      for (const listener of this.listeners) listener(this.isOnline());
  }

  setFaults(faults: Partial<LinkFaults>): void {
    for (const proxy of this.proxies) proxy.setFaults(faults);
  }

  async close(): Promise<void> {
    await Promise.all(this.proxies.map((p) => p.close()));
  }
}
