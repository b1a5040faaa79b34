import { formatMs } from '../format.js';
import type { TrendPoint } from '../owner-view.js';

const W = 480;
const H = 160;
const PAD = 28;

/** Open critical and high findings at each instant: two lines in SVG and the same numbers in a table. */
export function TrendChart({ points }: { points: TrendPoint[] }) {
  const max = Math.max(1, ...points.map((p) => p.critical + p.high));
  const x = (i: number) => PAD + (i * (W - 2 * PAD)) / Math.max(1, points.length - 1);
  const y = (v: number) => H - PAD - (v * (H - 2 * PAD)) / max;
  const line = (pick: (p: TrendPoint) => number) => points.map((p, i) => `${x(i)},${y(pick(p))}`).join(' ');
  // A window shorter than an hour names its instants to the second.
  const short = points.length > 1 && points[points.length - 1]!.at - points[0]!.at < 3_600_000;
  const when = (ms: number) => (short ? new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : formatMs(ms));
  const summary = points.map((p) => `${when(p.at)}: ${p.critical} critical, ${p.high} high`).join('; ');
  return (
    <div class="trend">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={`Open critical and high findings. ${summary}`} data-chart="trend">
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} class="axis" />
        <text x={4} y={y(max)} class="chart-label" dominant-baseline="middle">
          {max}
        </text>
        <text x={4} y={H - PAD} class="chart-label" dominant-baseline="middle">
          0
        </text>
        <polyline points={line((p) => p.critical + p.high)} class="trend-total" fill="none" />
        <polyline points={line((p) => p.critical)} class="trend-critical" fill="none" />
        {points.map((p, i) => (
          <circle key={p.at} cx={x(i)} cy={y(p.critical + p.high)} r={3} class="trend-total-dot" />
        ))}
      </svg>
      <p class="muted small">Upper line: critical and high together; lower line: critical alone.</p>
      <div class="table-wrap">
        <table class="trend-table stack-narrow">
          <caption class="sr-only">Open critical and high findings at each instant</caption>
          <thead>
            <tr>
              <th scope="col">Instant</th>
              <th scope="col" class="num">
                Critical
              </th>
              <th scope="col" class="num">
                High
              </th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.at} data-at={p.at}>
                <td data-label="Instant">{when(p.at)}</td>
                <td data-label="Critical" class="num" data-severity="critical">
                  {p.critical}
                </td>
                <td data-label="High" class="num" data-severity="high">
                  {p.high}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
