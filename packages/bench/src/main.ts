/**
 * `pnpm bench`: every performance figure of the design beside its baseline, measured in one run
 * on this machine; prints a table and writes results/latest.{json,md}.
 * `pnpm bench hits|renders|client …` measures only those groups and writes no results: for
 * working on one figure.
 */
import { type FixtureSite, startFixtureSite } from "@shotcache/testkit";
import { batchFigures } from "./batch-figures";
import { changeFigures } from "./change-figures";
import { clientFigures } from "./client-figures";
import { HIT_METHOD_NOTE, hitFigures } from "./hit-figures";
import { LOAD_TOOL } from "./load";
import { objectFigures } from "./object-figures";
import { createRecorder, type Recorder } from "./recorder";
import { renderFigures } from "./render-figures";
import { machine, type Results, table } from "./report";
import { writeResults } from "./results-files";
import { sourceFigures } from "./source-figures";
import { workerFigures } from "./worker-figures";

/** The groups, in the order a full run measures them. */
const GROUPS = {
  hits: hitFigures,
  renders: renderFigures,
  workers: workerFigures,
  client: clientFigures,
  sources: sourceFigures,
  changes: changeFigures,
  objects: objectFigures,
  batches: batchFigures,
} satisfies Record<string, (recorder: Recorder, site: FixtureSite) => Promise<void>>;
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in GROUPS));
if (unknown.length > 0) {
  console.error(
    `bench: unknown group ${unknown.join(", ")}; the groups: ${Object.keys(GROUPS).join(", ")}`,
  );
  process.exit(2);
}
const everything = asked.length === 0;

const started = Date.now();
const recorder = createRecorder();
const site = await startFixtureSite();
try {
  for (const [name, measure] of Object.entries(GROUPS)) {
    if (everything || asked.includes(name)) await measure(recorder, site);
  }
} finally {
  await site.close();
}

recorder.notes.push(HIT_METHOD_NOTE);
if (!everything) {
  console.log(`\n${recorder.notes.join("\n")}`);
  console.log(`\nbench: ${asked.join(", ")} only; no results written`);
  process.exit(0);
}
const results: Results = {
  date: new Date().toISOString(),
  machine: machine(LOAD_TOOL),
  rows: recorder.rows,
  notes: recorder.notes,
};
writeResults(results);
console.log(table(results));
console.log(`\n${results.notes.join("\n")}`);
console.log(
  `\nbench: ${((Date.now() - started) / 1000).toFixed(0)} s; results in packages/bench/results/`,
);
