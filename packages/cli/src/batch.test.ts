import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BatchCaptureReport, type BatchReport, ShotcacheError } from "@shotcache/sdk";
import { afterEach, describe, expect, it } from "vitest";
import {
  type BatchClient,
  type BatchRunState,
  fileNameFor,
  isSaved,
  parseUrlList,
  planRun,
  readState,
  runBatch,
  STATE_FILE,
  writeState,
} from "./batch";
import { EXIT, exitCodeOfFailures } from "./exit-codes";

const folders: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), "shotcache-batch-"));
  folders.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SERVER = "http://127.0.0.1:3000";
const urlsOf = (count: number, tag = "p") =>
  Array.from({ length: count }, (_, i) => `https://example.com/${tag}/${i}`);

describe("the URL list", () => {
  it("takes one URL a line, skipping blank lines and # comments, each URL once", () => {
    const list = parseUrlList(
      [
        "# pages to capture",
        "https://example.com/a",
        "",
        "   https://example.com/b?x=1#top  ",
        "\t",
        "  # indented comment",
        "https://example.com/a",
        "http://example.org/",
      ].join("\r\n"),
    );
    expect(list).toEqual({
      urls: ["https://example.com/a", "https://example.com/b?x=1#top", "http://example.org/"],
      invalid: [],
      duplicates: 1,
    });
  });

  it("names the lines that are not absolute http(s) URLs", () => {
    const list = parseUrlList("https://example.com/\nexample.com\nftp://example.com/x\n");
    expect(list.invalid).toEqual([
      { line: 2, text: "example.com" },
      { line: 3, text: "ftp://example.com/x" },
    ]);
    expect(list.urls).toEqual(["https://example.com/"]);
  });
});

describe("file names", () => {
  it("are stable, safe, apart for different URLs, and end with the format's extension", () => {
    const name = fileNameFor("https://Example.com/a/b?q=1&r=../../x");
    expect(name).toBe(fileNameFor("https://Example.com/a/b?q=1&r=../../x"));
    expect(name).toMatch(/^example\.com-a-b-q-1-r-\.\.-\.\.-x-[0-9a-f]{12}\.png$/);
    expect(fileNameFor("https://example.com/a")).not.toBe(fileNameFor("https://example.com/A"));
    expect(fileNameFor("https://example.com/", "jpeg")).toMatch(/^example\.com-[0-9a-f]{12}\.jpg$/);
    expect(fileNameFor("https://example.com/", "pdf")).toMatch(/\.pdf$/);
    expect(fileNameFor("https://example.com/", "webp")).toMatch(/\.webp$/);
  });

  it("stay short for long URLs, and never start with a dot", () => {
    const long = fileNameFor(`https://example.com/${"x".repeat(5_000)}`);
    expect(long.length).toBeLessThanOrEqual(60 + 1 + 12 + 4);
    expect(fileNameFor("https://..../")).toMatch(/^page-[0-9a-f]{12}\.png$/);
    expect(fileNameFor("http://[::1]:8080/")).toMatch(/^1-8080-[0-9a-f]{12}\.png$/);
  });
});

describe("the state file", () => {
  const options = { width: 800 };

  it("starts fresh when there is none, and reads back what was written, whole", () => {
    const dir = folder();
    const { state, reason } = readState(dir, SERVER, options);
    expect([state, reason]).toEqual([
      { version: 1, server: SERVER, options, batches: [], saved: {} },
      undefined,
    ]);
    state.batches.push({ id: "b1", urls: ["https://example.com/"] });
    writeState(dir, state);
    expect(readState(dir, SERVER, { width: 800 })).toEqual({ state });
    expect(readdirSync(dir)).toEqual([STATE_FILE]);
  });

  it("starts fresh, saying why, for another server, other options, or a file it cannot read", () => {
    const dir = folder();
    const { state } = readState(dir, SERVER, options);
    state.saved["https://example.com/"] = { file: "a.png", etag: '"e"', bytes: 1 };
    writeState(dir, state);
    expect(readState(dir, "http://other:3000", options)).toMatchObject({
      state: { saved: {} },
      reason: expect.stringContaining(SERVER),
    });
    expect(readState(dir, SERVER, { width: 801 })).toMatchObject({
      state: { options: { width: 801 }, saved: {} },
      reason: expect.stringContaining("options changed"),
    });
    writeFileSync(join(dir, STATE_FILE), "{ half");
    expect(readState(dir, SERVER, options).reason).toContain("not JSON");
    writeFileSync(join(dir, STATE_FILE), '{"version":2}');
    expect(readState(dir, SERVER, options).reason).toContain("not a state");
  });

  it("counts an image saved only when its file is there with the size noted", () => {
    const dir = folder();
    const { state } = readState(dir, SERVER, {});
    const url = "https://example.com/";
    expect(isSaved(dir, state, url)).toBe(false);
    state.saved[url] = { file: "a.png", etag: '"e"', bytes: 3 };
    expect(isSaved(dir, state, url)).toBe(false);
    writeFileSync(join(dir, "a.png"), "ab");
    expect(isSaved(dir, state, url)).toBe(false);
    writeFileSync(join(dir, "a.png"), "abc");
    expect(isSaved(dir, state, url)).toBe(true);
  });

  it("plans: saved URLs skipped, batches holding pending URLs followed again, the rest by 1,000", () => {
    const dir = folder();
    const { state } = readState(dir, SERVER, {});
    const urls = urlsOf(2_505);
    const [first, second, third] = urls as [string, string, string];
    state.saved[first] = { file: "0.png", etag: '"0"', bytes: 1 };
    writeFileSync(join(dir, "0.png"), "0");
    state.batches = [
      { id: "done", urls: [first] }, // all saved: forgotten
      { id: "open", urls: [first, second] },
      { id: "left-out", urls: ["https://example.com/no-longer-listed"] },
      { id: "expired", urls: [third] },
    ];
    const plan = planRun(dir, state, urls, new Set(["expired"]));
    expect(plan.saved).toEqual([first]);
    expect(plan.pending).toHaveLength(2_504);
    expect(plan.reattach.map((batch) => batch.id)).toEqual(["open"]);
    expect(plan.chunks.map((chunk) => chunk.length)).toEqual([1_000, 1_000, 503]);
    expect(plan.chunks[0]?.[0]).toBe(third);
  });
});

/**
 * The SDK's side of batches, in memory: a batch gives every capture at once, done unless
 * `failures` names its URL. `cut` makes the next iteration end with a lost connection after that
 * many results (as a run stopped mid-way); `expire` makes a batch no longer kept.
 */
function createBatchesInMemory(failures: Record<string, string> = {}) {
  const kept = new Map<string, BatchCaptureReport[]>();
  const made: string[][] = [];
  const fetched: string[] = [];
  const control = { cut: undefined as number | undefined };
  const notKept = (id: string) => new ShotcacheError("NOT_FOUND", `There is no batch ${id}.`);
  const reportOf = (id: string, captures: BatchCaptureReport[]): BatchReport => ({
    id,
    status: "completed",
    createdAt: new Date().toISOString(),
    progress: { total: captures.length, queued: 0, done: 0, failed: 0, cancelled: 0 },
    captures,
  });
  const handle = (id: string) => ({
    id,
    async status() {
      const captures = kept.get(id);
      if (!captures) throw notKept(id);
      return reportOf(id, captures);
    },
    async *results() {
      const captures = kept.get(id);
      if (!captures) throw notKept(id);
      for (const [given, capture] of captures.entries()) {
        if (given === control.cut) {
          control.cut = undefined;
          throw new ShotcacheError("NETWORK_ERROR", "The connection was lost.");
        }
        yield capture;
      }
    },
  });
  const client: BatchClient = {
    async batch(input) {
      const id = `batch-${made.length}`;
      made.push(input.captures.map((capture) => capture.url));
      const captures = input.captures.map(({ url }, index): BatchCaptureReport => {
        const code = failures[url];
        return code
          ? {
              index,
              url,
              status: "failed",
              error: { code: code as "RENDER_FAILED", message: "no" },
            }
          : { index, url, status: "done", etag: `"${url}"`, cache: "MISS", image: `${SERVER}/i` };
      });
      kept.set(id, captures);
      return handle(id);
    },
    openBatch: handle,
    async batchImage(result) {
      fetched.push(result.url);
      return { bytes: new TextEncoder().encode(`image of ${result.url}`), etag: result.etag ?? "" };
    },
  };
  return { client, made, fetched, control, expire: (id: string) => kept.delete(id) };
}

describe("a batch run", () => {
  const lines: string[] = [];
  afterEach(() => {
    lines.length = 0;
  });
  const run = (
    batches: ReturnType<typeof createBatchesInMemory>,
    dir: string,
    urls: string[],
    options = {},
  ) =>
    runBatch({
      client: batches.client,
      urls,
      options,
      dir,
      server: SERVER,
      pollMs: 1,
      progress: () => ({ advance: (line) => lines.push(line), stop() {} }),
      log: (line) => lines.push(line),
    });
  const stateIn = (dir: string): BatchRunState =>
    JSON.parse(readFileSync(join(dir, STATE_FILE), "utf8"));

  it("resumes: follows the same batch again, skips what was saved, then batches only new URLs", async () => {
    const dir = join(folder(), "out");
    const batches = createBatchesInMemory();
    const urls = urlsOf(3);
    const [first, second, third] = urls as [string, string, string];

    // Stopped after the first image: the batch and that image are noted.
    batches.control.cut = 1;
    await expect(run(batches, dir, urls)).rejects.toMatchObject({ code: "NETWORK_ERROR" });
    expect(stateIn(dir).batches).toEqual([{ id: "batch-0", urls }]);
    const file = fileNameFor(first);
    expect(stateIn(dir).saved).toEqual({
      [first]: { file, etag: `"${first}"`, bytes: `image of ${first}`.length },
    });
    expect(readFileSync(join(dir, file), "utf8")).toBe(`image of ${first}`);

    const resumed = await run(batches, dir, urls);
    expect(resumed).toMatchObject({ saved: 2, skipped: 1, created: [], reattached: ["batch-0"] });
    expect(batches.made).toHaveLength(1);
    expect(batches.fetched).toEqual([first, second, third]);
    expect(stateIn(dir).batches).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(
      [STATE_FILE, ...urls.map((u) => fileNameFor(u))].sort(),
    );

    const grown = await run(batches, dir, [...urls, "https://example.com/new"]);
    expect(grown).toMatchObject({ saved: 1, skipped: 3, created: ["batch-1"], reattached: [] });
    expect(batches.made[1]).toEqual(["https://example.com/new"]);

    // A file gone (or cut short) is captured again, in a new batch.
    rmSync(join(dir, fileNameFor(second)));
    expect(await run(batches, dir, urls)).toMatchObject({ saved: 1, skipped: 2 });
    expect(batches.made[2]).toEqual([second]);
  });

  it("reports failures with their code, and batches them again on the next run", async () => {
    const dir = folder();
    const urls = urlsOf(3, "fail");
    const failing = urls[1] as string;
    const batches = createBatchesInMemory({ [failing]: "TARGET_HTTP_ERROR" });
    const outcome = await run(batches, dir, urls);
    expect(outcome.saved).toBe(2);
    expect(outcome.failures).toEqual([{ url: failing, code: "TARGET_HTTP_ERROR", message: "no" }]);
    expect(lines).toContain(`failed ${failing}: TARGET_HTTP_ERROR no`);
    expect(exitCodeOfFailures(outcome.failures.map((f) => f.code))).toBe(EXIT.target);
    expect(stateIn(dir).batches).toEqual([]);

    const again = await run(createBatchesInMemory(), dir, urls);
    expect(again).toMatchObject({ saved: 1, skipped: 2, failures: [] });
  });

  it("makes a new batch for the URLs of one the server no longer keeps", async () => {
    const dir = folder();
    const batches = createBatchesInMemory();
    const urls = urlsOf(2, "expired");
    batches.control.cut = 0;
    await expect(run(batches, dir, urls)).rejects.toMatchObject({ code: "NETWORK_ERROR" });
    batches.expire("batch-0");
    const outcome = await run(batches, dir, urls);
    expect(outcome).toMatchObject({ saved: 2, created: ["batch-1"], reattached: [] });
    expect(lines).toContain(
      "batch batch-0 is no longer kept on the server: its captures go in a new batch",
    );
  });

  it("starts over when the capture options changed, and leaves no partial file", async () => {
    const dir = folder();
    const batches = createBatchesInMemory();
    const urls = urlsOf(2, "options");
    await run(batches, dir, urls, { width: 800 });
    writeFileSync(join(dir, `x.png.${process.pid}.partial`), "half");
    const outcome = await run(batches, dir, urls, { width: 1024 });
    expect(outcome).toMatchObject({ saved: 2, skipped: 0 });
    expect(batches.made).toHaveLength(2);
    expect(stateIn(dir).options).toEqual({ width: 1024 });
    expect(existsSync(join(dir, `x.png.${process.pid}.partial`))).toBe(false);
  });
});
