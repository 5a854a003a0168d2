import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { markdown, type Results } from "./report";

/** packages/bench/results: what a full run leaves for docs/performance.md and for review. */
const DIRECTORY = join(import.meta.dirname, "..", "results");

/** Writes a full run's results as results/latest.json and results/latest.md. */
export function writeResults(results: Results): void {
  writeFileSync(join(DIRECTORY, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(DIRECTORY, "latest.md"), markdown(results));
}
