/**
 * The value at quantile `q` (0.5: median, 0.95: p95) of `values`, nearest-rank from below (no
 * interpolation: a reported latency is one that happened); null when there are none.
 */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
