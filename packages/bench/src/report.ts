import { cpus } from "node:os";

export interface Row {
  figure: string;
  ours: string;
  baseline: string;
  /** ours / baseline, in the direction the target states. */
  ratio: number;
  target: string;
  met: boolean | undefined;
}

export interface Results {
  date: string;
  machine: { cpu: string; cores: number; node: string; loadTool: string };
  rows: Row[];
  notes: string[];
}

export const machine = (loadTool: string) => ({
  cpu: cpus()[0]?.model.trim() ?? "unknown",
  cores: cpus().length,
  node: process.version,
  loadTool,
});

const verdict = (met: boolean | undefined) => (met === undefined ? "—" : met ? "yes" : "NO");

/** One row on one line, printed as soon as it is measured. */
export const rowLine = (row: Row): string =>
  `${row.figure}: ${row.ours} | baseline ${row.baseline} | ratio ${row.ratio.toFixed(2)}, ` +
  `target ${row.target}, met ${verdict(row.met)}`;

export function table(results: Results): string {
  const header = ["figure", "shotcache", "baseline", "ratio", "target", "met"];
  const lines = results.rows.map((row) => [
    row.figure,
    row.ours,
    row.baseline,
    Number.isFinite(row.ratio) ? row.ratio.toFixed(2) : "—",
    row.target,
    verdict(row.met),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)),
  );
  const format = (cells: string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ");
  return [
    format(header),
    widths.map((width) => "-".repeat(width)).join("-|-"),
    ...lines.map(format),
  ].join("\n");
}

export function markdown(results: Results): string {
  const { machine } = results;
  return [
    "# shotcache benchmark results",
    "",
    `Measured ${results.date} on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node};` +
      ` HTTP load from a separate process with ${machine.loadTool}. Written by \`pnpm bench\`;` +
      " each figure is beside its baseline, measured in the same run.",
    "",
    `| ${table(results).split("\n").join(" |\n| ")} |`,
    "",
    ...results.notes.map((note) => `- ${note}`),
    "",
  ].join("\n");
}
