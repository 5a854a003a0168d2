import type { CacheStats } from "@shotcache/sdk";
import { formatHour } from "./format";

/** The counters a capture is answered with, as chart series, bottom to top. */
export const SERIES = [
  { counter: "hits", label: "HIT", color: "#16a34a" },
  { counter: "stale", label: "STALE", color: "#84cc16" },
  { counter: "coalesced", label: "COALESCED", color: "#0891b2" },
  { counter: "misses", label: "MISS", color: "#2563eb" },
  { counter: "refreshes", label: "REFRESH", color: "#7c3aed" },
  { counter: "bypasses", label: "BYPASS", color: "#d97706" },
  { counter: "failures", label: "FAILED", color: "#dc2626" },
] as const;

type Hour = CacheStats["hourly"][number];

// Drawing units: the SVG stretches to the width and the height CSS gives it.
const BAR = 20;
const GAP = 4;
const HEIGHT = 100;
/** One hour label for this many bars. */
const LABEL_EVERY = 6;

/**
 * Requests per hour, stacked by how each was answered. Drawn as plain SVG: one stacked bar chart
 * does not need a charting library in the page. Each bar's title is a tooltip for the eye; screen
 * readers get the chart's name and the same figures in a visually hidden table.
 */
export function HourlyChart({ hourly }: { hourly: Hour[] }) {
  const peak = Math.max(1, ...hourly.map((hour) => hour.requests));
  const width = hourly.length * (BAR + GAP);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${width} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby="chart-title"
        data-testid="hourly-chart"
      >
        <title id="chart-title">Requests per hour by cache status</title>
        {hourly.map((hour, index) => {
          const x = index * (BAR + GAP);
          let y = HEIGHT;
          const parts = SERIES.filter(({ counter }) => hour[counter] > 0).map((series) => {
            const height = (hour[series.counter] / peak) * HEIGHT;
            y -= height;
            return { ...series, y, height };
          });
          return (
            <g
              key={hour.hourStart}
              data-testid="hour-bar"
              data-hour={hour.hourStart}
              data-requests={hour.requests}
            >
              <title>
                {`${formatHour(hour.hourStart)}: ${hour.requests} requests${parts
                  .map((part) => `, ${hour[part.counter]} ${part.label}`)
                  .join("")}`}
              </title>
              <rect x={x} y={0} width={BAR} height={HEIGHT} className="bar-track" />
              {parts.map((part) => (
                <rect
                  key={part.counter}
                  x={x}
                  y={part.y}
                  width={BAR}
                  height={part.height}
                  fill={part.color}
                />
              ))}
            </g>
          );
        })}
      </svg>
      {/* Hour labels in HTML, so they keep their shape however the chart is stretched. */}
      <div className="axis" aria-hidden="true">
        {hourly
          .filter((_, index) => index % LABEL_EVERY === 0)
          .map((hour) => (
            <span key={hour.hourStart} style={{ width: `${(LABEL_EVERY / hourly.length) * 100}%` }}>
              {formatHour(hour.hourStart)}
            </span>
          ))}
      </div>
      <figcaption>
        Requests per hour by cache status, last {hourly.length} hours (peak {peak} an hour)
      </figcaption>
      <ul className="legend">
        {SERIES.map((series) => (
          <li key={series.counter}>
            <span className="swatch" style={{ background: series.color }} /> {series.label}
          </li>
        ))}
      </ul>
      {/* A table cannot shrink below its content: the hiding box is a div around it. */}
      <div className="visually-hidden">
        <table>
          <caption>Requests per hour by cache status</caption>
          <thead>
            <tr>
              <th scope="col">Hour</th>
              <th scope="col">Requests</th>
              {SERIES.map((series) => (
                <th key={series.counter} scope="col">
                  {series.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {hourly.map((hour) => (
              <tr key={hour.hourStart}>
                <th scope="row">{formatHour(hour.hourStart)}</th>
                <td>{hour.requests}</td>
                {SERIES.map((series) => (
                  <td key={series.counter}>{hour[series.counter]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
