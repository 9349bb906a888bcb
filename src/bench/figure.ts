/** One measured run of one contender. */
export interface Figure {
  records: number;
  ms: number;
  peakRssMB: number;
  /** For byte-rate figures (files). */
  bytes?: number;
}

export function perSecond(figure: Figure): number {
  return (figure.records / figure.ms) * 1000;
}

export function megabytesPerSecond(figure: Figure): number {
  return ((figure.bytes ?? 0) / 1_000_000 / figure.ms) * 1000;
}
