export interface Bar {
  label: string;
  value: number;
  /** A CSS class for the bar's colour; the label and value are always written out. */
  tone?: string;
}

interface Props {
  id: string;
  title: string;
  bars: Bar[];
}

const ROW = 30;
const LABEL_W = 150;
const BAR_W = 300;
const VALUE_W = 70;

/** A horizontal bar chart in plain SVG: labels and values as text, the numbers also in the accessible name. */
export function BarChart({ id, title, bars }: Props) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * ROW;
  const summary = bars.map((b) => `${b.label}: ${b.value}`).join(', ');
  return (
    <figure class="chart card" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        <h2>{title}</h2>
      </figcaption>
      {bars.length === 0 ? (
        <p class="muted">No data.</p>
      ) : (
        <svg viewBox={`0 0 ${LABEL_W + BAR_W + VALUE_W} ${height}`} width="100%" role="img" aria-label={`${title}. ${summary}`} data-chart={id}>
          {bars.map((b, i) => {
            const w = Math.round((b.value / max) * BAR_W);
            const y = i * ROW;
            return (
              <g key={b.label}>
                <text x={LABEL_W - 8} y={y + ROW / 2} text-anchor="end" dominant-baseline="middle" class="chart-label">
                  {b.label}
                </text>
                <rect x={LABEL_W} y={y + 5} width={Math.max(w, b.value > 0 ? 2 : 0)} height={ROW - 10} rx={3} class={`chart-bar ${b.tone ?? ''}`} />
                <text x={LABEL_W + Math.max(w, 0) + 6} y={y + ROW / 2} dominant-baseline="middle" class="chart-value">
                  {b.value}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
