/** Figures as the dashboard shows them. */

export const formatPercent = (share: number) => `${(share * 100).toFixed(1)} %`;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * A latency quantile: the upper bound of the histogram bucket holding it. `null` with samples
 * means past the last bound (JSON has no Infinity); with none, there is nothing to show.
 */
export function formatQuantile(ms: number | null, count: number, lastBoundMs: number): string {
  if (count === 0) return "—";
  if (ms === null || !Number.isFinite(ms)) return `> ${lastBoundMs.toLocaleString("en")} ms`;
  return `≤ ${ms.toLocaleString("en")} ms`;
}

/** An hour's start as a local `HH:00`. */
export const formatHour = (iso: string) =>
  new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });

export const formatTime = (iso: string) =>
  new Date(iso).toLocaleString("en-GB", { dateStyle: "short", timeStyle: "medium" });

/** A duration in seconds, in the largest unit that keeps it readable: `45 s`, `12 min`, `3.5 h`. */
export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 2 * 3_600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${(seconds / 3_600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
