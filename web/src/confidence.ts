export type ConfidenceBand = 'high' | 'medium' | 'low';

/** Datadog's published cut-offs: high above 0.85, medium 0.60 to 0.85, low below 0.60. */
export function confidenceBand(confidence: string | number): ConfidenceBand {
  const c = typeof confidence === 'number' ? confidence : Number.parseFloat(confidence);
  if (!Number.isFinite(c)) return 'low';
  if (c > 0.85) return 'high';
  if (c >= 0.6) return 'medium';
  return 'low';
}

/** The confidence as a 0..100 percentage for a bar, clamped. */
export function confidencePercent(confidence: string | number): number {
  const c = typeof confidence === 'number' ? confidence : Number.parseFloat(confidence);
  if (!Number.isFinite(c)) return 0;
  return Math.round(Math.min(1, Math.max(0, c)) * 100);
}

/** `ref:handle/payments` -> `payments`; anything else is shown as given. */
export function ownerHandle(ref: string | undefined): string {
  if (!ref) return '';
  const m = /^ref:handle\/(.+)$/.exec(ref);
  return m ? m[1]! : ref;
}
