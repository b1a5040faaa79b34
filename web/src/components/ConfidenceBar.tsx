import { confidenceBand, confidencePercent } from '../confidence.js';

/** A bar plus its number and band in words, so colour is never the only signal. */
export function ConfidenceBar({ confidence }: { confidence: string }) {
  const band = confidenceBand(confidence);
  const pct = confidencePercent(confidence);
  return (
    <div class="confidence">
      <div class="bar" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`Confidence ${confidence}, ${band}`}>
        <div class={`bar-fill band-${band}`} style={{ width: `${pct}%` }} />
      </div>
      <span class={`band band-${band}`}>
        {confidence} · {band}
      </span>
    </div>
  );
}
