// Datadog's published confidence cut-offs: high > 0.85, medium 0.60 to 0.85, low < 0.60.
export type ConfidenceBand = 'high' | 'medium' | 'low';

export const HIGH_ABOVE = 0.85;
export const MEDIUM_FROM = 0.6;

export function bandOf(confidence: number): ConfidenceBand {
  if (confidence > HIGH_ABOVE) return 'high';
  if (confidence >= MEDIUM_FROM) return 'medium';
  return 'low';
}

const RANK: Record<ConfidenceBand, number> = { low: 0, medium: 1, high: 2 };

/** True when `confidence` falls in `band` or a higher one (settings' auto-tag threshold). */
export function meetsBand(confidence: number, band: ConfidenceBand): boolean {
  return RANK[bandOf(confidence)] >= RANK[band];
}
