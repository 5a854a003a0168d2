import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  type Batch,
  type BatchCaptureReport,
  type BatchInput,
  type Capture,
  isShotcacheError,
} from "@shotcache/sdk";
import type { Progress } from "./progress";
import { save } from "./save-file";

// `shotcache batch urls.txt --out dir/`: every URL of a list captured through server-side batches,
// each image saved as it is done, and a state file in the out folder so that running the command
// again picks up where the last run stopped.

/** Most captures the server takes in one batch. */
export const MAX_BATCH_CAPTURES = 1_000;

/** The run's state, in the out folder. */
export const STATE_FILE = ".shotcache-batch.json";

/** The code a capture is reported with when its batch was cancelled on the server. */
export const CANCELLED = "CANCELLED";

/** The capture options every URL of a run is given: a batch's, without `url`. */
export type BatchOptions = Omit<BatchInput["captures"][number], "url">;

/** A list of URLs as read: each once, in order, and the lines that are not URLs. */
export interface UrlList {
  urls: string[];
  /** Lines that are not absolute http(s) URLs, numbered from 1. */
  invalid: { line: number; text: string }[];
  /** URLs listed again, left out. */
  duplicates: number;
}

/** One URL a line; blank lines and lines starting with `#` are skipped. */
export function parseUrlList(text: string): UrlList {
  const list: UrlList = { urls: [], invalid: [], duplicates: 0 };
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    if (!/^https?:$/.test(URL.parse(line)?.protocol ?? "")) {
      list.invalid.push({ line: index + 1, text: line });
    } else if (seen.has(line)) {
      list.duplicates++;
    } else {
      seen.add(line);
      list.urls.push(line);
    }
  });
  return list;
}

const EXTENSIONS: Record<string, string> = {
  png: "png",
  jpeg: "jpg",
  webp: "webp",
  avif: "avif",
  pdf: "pdf",
  metadata: "json",
};

/**
 * The file a URL's image goes to: a slug of its host and path (lower-case letters, digits, `.`
 * and `-`; at most 60 characters) for people, 12 hex digits of its SHA-256 to keep URLs apart,
 * and the format's extension. The same URL and format always give the same name.
 */
export function fileNameFor(url: string, format = "png"): string {
  const hash = createHash("sha256").update(url).digest("hex").slice(0, 12);
  const slug = url
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .slice(0, 60)
    .replace(/^[-.]+|[-.]+$/g, "");
  return `${slug || "page"}-${hash}.${EXTENSIONS[format] ?? "img"}`;
}

/** What a run remembers between runs, in `STATE_FILE`. */
export interface BatchRunState {
  version: 1;
  /** The server the batches are on. */
  server: string;
  /** The capture options every URL was given (the flags). */
  options: BatchOptions;
  /** Batches that may still hold results not saved: capture i of a batch is `urls[i]`. */
  batches: { id: string; urls: string[] }[];
  /** The images saved, by URL: file name (in the out folder), ETag, size. */
  saved: Record<string, { file: string; etag: string; bytes: number }>;
}

/**
 * The state kept in `dir` for `server` and `options`; a fresh one when there is none, when it
 * cannot be read, or when it was for another server or other options (`reason` then says why).
 */
export function readState(
  dir: string,
  server: string,
  options: BatchOptions,
): { state: BatchRunState; reason?: string } {
  const fresh: BatchRunState = { version: 1, server, options, batches: [], saved: {} };
  let text: string;
  try {
    text = readFileSync(join(dir, STATE_FILE), "utf8");
  } catch {
    return { state: fresh };
  }
  let kept: Partial<BatchRunState>;
  try {
    kept = JSON.parse(text);
  } catch {
    return { state: fresh, reason: `${STATE_FILE} is not JSON: starting afresh` };
  }
  if (kept.version !== 1 || !Array.isArray(kept.batches) || typeof kept.saved !== "object") {
    return {
      state: fresh,
      reason: `${STATE_FILE} is not a state this version reads: starting afresh`,
    };
  }
  if (kept.server !== server) {
    return { state: fresh, reason: `the last run was against ${kept.server}: starting afresh` };
  }
  if (JSON.stringify(kept.options) !== JSON.stringify(options)) {
    return {
      state: fresh,
      reason: "the capture options changed since the last run: starting afresh",
    };
  }
  return { state: kept as BatchRunState };
}

/** Writes the state whole or not at all. */
export function writeState(dir: string, state: BatchRunState): void {
  save(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/** Whether `url`'s image is saved: noted in the state, and its file there with that size. */
export function isSaved(dir: string, state: BatchRunState, url: string): boolean {
  const saved = state.saved[url];
  if (!saved) return false;
  try {
    return statSync(join(dir, saved.file)).size === saved.bytes;
  } catch {
    return false;
  }
}

/** What a run has to do, from the state and the list. */
export interface BatchPlan {
  /** URLs of the list already saved. */
  saved: string[];
  /** URLs of the list still to save. */
  pending: string[];
  /** Batches of the state to follow again: they hold some pending URL. */
  reattach: BatchRunState["batches"];
  /** Pending URLs in no batch of the state: new batches of at most 1,000. */
  chunks: string[][];
}

/**
 * Plans a run: the URLs saved are skipped, the batches that still hold pending URLs are followed
 * again (those that no longer do are forgotten), and the pending URLs in none of them go into new
 * batches. `gone` are batches the server no longer keeps: their URLs go into new batches too.
 */
export function planRun(
  dir: string,
  state: BatchRunState,
  urls: readonly string[],
  gone: ReadonlySet<string> = new Set(),
): BatchPlan {
  const saved = urls.filter((url) => isSaved(dir, state, url));
  const savedSet = new Set(saved);
  const pending = urls.filter((url) => !savedSet.has(url));
  const pendingSet = new Set(pending);
  const reattach = state.batches.filter(
    (batch) => !gone.has(batch.id) && batch.urls.some((url) => pendingSet.has(url)),
  );
  const covered = new Set(reattach.flatMap((batch) => batch.urls));
  const uncovered = pending.filter((url) => !covered.has(url));
  const chunks: string[][] = [];
  for (let at = 0; at < uncovered.length; at += MAX_BATCH_CAPTURES)
    chunks.push(uncovered.slice(at, at + MAX_BATCH_CAPTURES));
  return { saved, pending, reattach, chunks };
}

/** What the run needs of the SDK's client. */
export interface BatchClient {
  batch(input: BatchInput): Promise<Pick<Batch, "id" | "results">>;
  openBatch(id: string): Pick<Batch, "id" | "status" | "results">;
  batchImage(result: BatchCaptureReport): Promise<Pick<Capture, "bytes" | "etag">>;
}

export interface BatchRunOptions {
  client: BatchClient;
  /** The URLs, each once. */
  urls: readonly string[];
  /** The capture options of every URL. */
  options: BatchOptions;
  /** Where images and the state go (made if missing). */
  dir: string;
  /** The server, as the state names it. */
  server: string;
  webhook?: string;
  /** How often each batch is asked for its results. @default 1000 */
  pollMs?: number;
  /** Progress through the URLs still to save. */
  progress(total: number): Progress;
  /** Notes about the run (on stderr). */
  log(line: string): void;
}

export interface BatchRunOutcome {
  /** Saved by this run. */
  saved: number;
  /** Already saved by an earlier run. */
  skipped: number;
  /** Captures that failed, or whose image could not be fetched. */
  failures: { url: string; code: string; message: string }[];
  /** Batches created by this run, and followed again. */
  created: string[];
  reattached: string[];
}

/** Partial files of a run that stopped mid-write. */
function removePartials(dir: string): void {
  for (const name of readdirSync(dir))
    if (name.endsWith(".partial")) rmSync(join(dir, name), { force: true });
}

/**
 * Captures every URL into `dir`: follows again the batches of an earlier run that still hold
 * URLs not saved, makes batches of at most 1,000 for the rest, and saves each image as its
 * capture is done (the state written after each), skipping those saved before. A batch over is
 * forgotten, so a URL that failed goes into a new batch the next run.
 */
export async function runBatch(run: BatchRunOptions): Promise<BatchRunOutcome> {
  const { client, dir } = run;
  mkdirSync(dir, { recursive: true });
  removePartials(dir);
  const { state, reason } = readState(dir, run.server, run.options);
  if (reason) run.log(reason);

  // Batches the server no longer keeps (a day after their creation) are dropped.
  const gone = new Set<string>();
  for (const batch of planRun(dir, state, run.urls).reattach) {
    try {
      await client.openBatch(batch.id).status();
    } catch (error) {
      if (!isShotcacheError(error) || error.code !== "NOT_FOUND") throw error;
      run.log(`batch ${batch.id} is no longer kept on the server: its captures go in a new batch`);
      gone.add(batch.id);
    }
  }
  const plan = planRun(dir, state, run.urls, gone);
  state.batches = [...plan.reattach];
  writeState(dir, state);

  const outcome: BatchRunOutcome = {
    saved: 0,
    skipped: plan.saved.length,
    failures: [],
    created: [],
    reattached: plan.reattach.map((batch) => batch.id),
  };
  const wanted = new Set(run.urls);
  const fileFormat = run.options.format;
  const progress = run.progress(plan.pending.length);
  const fail = (url: string, code: string, message: string) => {
    outcome.failures.push({ url, code, message });
    progress.advance(`failed ${url}: ${code} ${message}`, true);
  };

  /** Saves the results of one batch as they come, then forgets it. */
  const follow = async (batch: BatchRunState["batches"][number]) => {
    for await (const result of client.openBatch(batch.id).results({ pollMs: run.pollMs })) {
      const url = batch.urls[result.index];
      if (url === undefined || !wanted.has(url) || isSaved(dir, state, url)) continue;
      if (result.status === "failed") {
        fail(url, result.error?.code ?? "INTERNAL", result.error?.message ?? "");
      } else if (result.status === "cancelled") {
        fail(url, CANCELLED, "its batch was cancelled on the server");
      } else {
        let image: Pick<Capture, "bytes" | "etag">;
        try {
          image = await client.batchImage(result);
        } catch (error) {
          if (!isShotcacheError(error)) throw error;
          fail(url, error.code, error.message);
          continue;
        }
        const file = fileNameFor(url, fileFormat);
        save(join(dir, file), image.bytes);
        state.saved[url] = { file, etag: image.etag, bytes: image.bytes.byteLength };
        writeState(dir, state);
        outcome.saved++;
        progress.advance(`saved ${file} ${url}`);
      }
    }
    state.batches = state.batches.filter((kept) => kept.id !== batch.id);
    writeState(dir, state);
  };

  // Each follow's outcome is kept as it ends (never an unhandled rejection while later batches
  // are made), and the progress bar stops however the run ends.
  const following: Promise<PromiseSettledResult<void>>[] = [];
  const track = (batch: BatchRunState["batches"][number]) =>
    following.push(
      follow(batch).then(
        (value) => ({ status: "fulfilled", value }),
        (reason: unknown) => ({ status: "rejected", reason }),
      ),
    );
  let refused: { error: unknown } | undefined;
  try {
    for (const batch of plan.reattach) track(batch);
    for (const urls of plan.chunks) {
      let made: Pick<Batch, "id">;
      try {
        made = await client.batch({
          captures: urls.map((url) => ({ ...run.options, url })),
          ...(run.webhook ? { webhook: run.webhook } : {}),
        });
      } catch (error) {
        // No more batches; those under way are still saved, and the next run makes the rest.
        refused = { error };
        break;
      }
      const batch = { id: made.id, urls };
      // Noted before anything else: a run stopped from here on finds it again.
      state.batches.push(batch);
      writeState(dir, state);
      outcome.created.push(made.id);
      track(batch);
    }
  } finally {
    const ended = await Promise.all(following);
    progress.stop();
    if (!refused) {
      const failed = ended.find((end) => end.status === "rejected");
      if (failed) refused = { error: failed.reason };
    }
  }
  if (refused) throw refused.error;
  return outcome;
}
