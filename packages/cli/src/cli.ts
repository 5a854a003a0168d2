#!/usr/bin/env node
/**
 * `shotcache`: the SDK in any shell. Server from `--url` or SHOTCACHE_URL, key from
 * SHOTCACHE_API_KEY; captures are revalidated by ETag from a cache folder, so a repeat run of an
 * unchanged page costs a 304 and leaves the file alone.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Capture, createShotcacheClient, isShotcacheError } from "@shotcache/sdk";
import { createFileETagCache } from "@shotcache/sdk/node";
import { Command, InvalidArgumentError } from "commander";
import { parseUrlList, runBatch, STATE_FILE } from "./batch";
import { captureInputOf, withCaptureOptions } from "./capture-options";
import { EXIT, EXIT_CODES_HELP, exitCodeOf, exitCodeOfFailures } from "./exit-codes";
import { createProgress, withProgress } from "./progress";
import { save } from "./save-file";

const program = new Command("shotcache")
  .description("Screenshots from a shotcache server, revalidated by ETag.")
  .version("0.1.0")
  .option(
    "--url <server>",
    "the shotcache server (default: SHOTCACHE_URL, else http://127.0.0.1:3000)",
  )
  .option(
    "--cache-dir <folder>",
    "where captures are kept for revalidation (default: ~/.cache/shotcache)",
  )
  .addHelpText("after", EXIT_CODES_HELP);

/** The server: `--url`, else SHOTCACHE_URL, else the local default. */
const serverUrl = () =>
  program.opts<{ url?: string }>().url ?? process.env.SHOTCACHE_URL ?? "http://127.0.0.1:3000";

function client() {
  const options = program.opts<{ cacheDir?: string }>();
  const cacheDir =
    options.cacheDir ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "shotcache");
  return createShotcacheClient({
    baseUrl: serverUrl(),
    apiKey: process.env.SHOTCACHE_API_KEY || undefined,
    cache: createFileETagCache(cacheDir),
  });
}

const seconds = (text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError("a whole number of seconds, at least 1");
  return value;
};

const sameBytes = (file: string, bytes: Uint8Array) =>
  existsSync(file) && Buffer.from(bytes).equals(readFileSync(file));

const summary = (capture: Capture, file: string) =>
  `${file} (${capture.bytes.byteLength.toLocaleString("en")} bytes, ${capture.cache.status}, ${capture.etag})`;

/** A file's text (an HTML file, a list of URLs), or a one-line reason and exit 2. */
function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    return program.error(`cannot read ${file}: ${(error as Error).message}`, {
      exitCode: EXIT.input,
    });
  }
}

withCaptureOptions(
  program
    .command("capture")
    .description(
      "capture <url> into a file; unchanged since the last run: says so, file left as it was",
    )
    .argument("[url]", "the page (or --html)")
    .option("--html <file>", "capture this HTML file (up to 2 MB) instead of a url")
    .requiredOption("-o, --output <file>", "where the image goes")
    .option("--json", "print the cache facts as JSON"),
).action(
  async (
    url: string | undefined,
    flags: Record<string, unknown> & { output: string; json?: boolean; html?: string },
  ) => {
    if ((url === undefined) === (flags.html === undefined)) {
      program.error("give the page as a url or as --html FILE, one of them", {
        exitCode: EXIT.input,
      });
    }
    const input = flags.html
      ? { ...captureInputOf(undefined, flags), html: readText(flags.html) }
      : captureInputOf(url, flags);
    const shot = await withProgress(`Capturing ${url ?? flags.html}`, () =>
      client().capture(input),
    );
    const unchanged = shot.cache.fromClientCache && sameBytes(flags.output, shot.bytes);
    if (!unchanged) save(flags.output, shot.bytes);
    if (flags.json) {
      const { bytes, ...facts } = shot;
      console.log(
        JSON.stringify(
          { file: flags.output, size: bytes.byteLength, unchanged, ...facts },
          null,
          2,
        ),
      );
    } else {
      console.log(`${unchanged ? "unchanged" : "saved"} ${summary(shot, flags.output)}`);
    }
  },
);

withCaptureOptions(
  program
    .command("watch")
    .description(
      "capture <url> every --every seconds; on each change, save it, print a line and run --exec",
    )
    .argument("<url>", "the page")
    .requiredOption("-o, --output <file>", "where the latest image goes")
    .option("--every <seconds>", "seconds between captures", seconds, 60)
    .option(
      "--exec <command>",
      "a shell command run on each change (SHOTCACHE_FILE, SHOTCACHE_ETAG set)",
    ),
).action(
  async (
    url: string,
    flags: Record<string, unknown> & { output: string; every: number; exec?: string },
  ) => {
    const watcher = client();
    const input = captureInputOf(url, flags);
    let last: string | undefined;
    for (;;) {
      try {
        const shot = await watcher.capture(input);
        if (last === undefined && !sameBytes(flags.output, shot.bytes))
          save(flags.output, shot.bytes);
        if (last !== undefined && shot.etag !== last) {
          save(flags.output, shot.bytes);
          console.log(`changed ${summary(shot, flags.output)} at ${new Date().toISOString()}`);
          if (flags.exec) {
            spawn(flags.exec, {
              shell: true,
              stdio: "inherit",
              env: { ...process.env, SHOTCACHE_FILE: flags.output, SHOTCACHE_ETAG: shot.etag },
            });
          }
        } else if (last === undefined) {
          console.log(`watching ${summary(shot, flags.output)}, every ${flags.every} s`);
        }
        last = shot.etag;
      } catch (error) {
        // A refused input will not change by trying again; anything else may.
        if (exitCodeOf(error) === EXIT.input) throw error;
        console.error(describe(error));
      }
      await sleep(flags.every * 1000);
    }
  },
);

program
  .command("purge")
  .description("drop every cached variant of <url> on the server (and its CDNs)")
  .argument("<url>", "the page")
  .action(async (url: string) => {
    const outcome = await client().purge({ url });
    console.log(`purged ${outcome.purged} ${outcome.purged === 1 ? "variant" : "variants"}`);
    for (const cdn of outcome.cdn)
      console.log(`  ${cdn.cdn}: ${cdn.status}${cdn.error ? ` (${cdn.error})` : ""}`);
  });

withCaptureOptions(
  program
    .command("history")
    .description("the versions of <url>'s variant, newest first, with how much each changed")
    .argument("<url>", "the page")
    .option("--json", "print everything as JSON"),
).action(async (url: string, flags: Record<string, unknown> & { json?: boolean }) => {
  const { versions } = await client().history(captureInputOf(url, flags));
  if (flags.json) return console.log(JSON.stringify({ versions }, null, 2));
  for (const version of versions) {
    const ratio =
      version.changeRatio === null
        ? "first"
        : `${(version.changeRatio * 100).toFixed(2)} % changed`;
    console.log(`${version.capturedAt}  ${version.etag}  ${ratio}`);
  }
});

withCaptureOptions(
  program
    .command("diff")
    .description(
      "a PNG of what changed between two versions of <url>'s variant (by default the newest two)",
    )
    .argument("<url>", "the page")
    .requiredOption("-o, --output <file>", "where the diff image goes")
    .option("--from <etag>", "the older version's ETag (see `history`)")
    .option("--to <etag>", "the newer version's ETag"),
).action(
  async (
    url: string,
    flags: Record<string, unknown> & { output: string; from?: string; to?: string },
  ) => {
    const { output, from, to } = flags;
    const diff = await client().diff(captureInputOf(url, flags), { from, to });
    save(output, diff.bytes);
    console.log(
      `saved ${output}: ${(diff.changeRatio * 100).toFixed(2)} % changed from ${diff.from.etag} (${diff.from.capturedAt}) to ${diff.to.etag} (${diff.to.capturedAt})`,
    );
  },
);

program
  .command("metadata")
  .description("what a link preview shows of <url>: title, description, image, icon…, as JSON")
  .argument("<url>", "the page")
  .action(async (url: string) => {
    const metadata = await withProgress(`Reading ${url}`, () => client().metadata(url));
    console.log(JSON.stringify(metadata, null, 2));
  });

program
  .command("stats")
  .description("the server's shared statistics")
  .option("--hours <n>", "hourly buckets to read", seconds, 24)
  .option("--json", "print everything as JSON")
  .action(async (flags: { hours: number; json?: boolean }) => {
    const stats = await client().stats({ hours: flags.hours });
    if (flags.json) return console.log(JSON.stringify(stats, null, 2));
    console.log(`requests ${stats.requests}, hit rate ${(stats.hitRate * 100).toFixed(1)} %`);
    console.log(
      `hits ${stats.hits}, misses ${stats.misses}, stale ${stats.stale}, bypasses ${stats.bypasses}`,
    );
    console.log(`stored ${stats.storage.entries} entries, ${stats.storage.bytes} bytes`);
  });

withCaptureOptions(
  program
    .command("sign")
    .description("a signed public URL of the capture, made by the server, for an <img> with no key")
    .argument("<url>", "the page")
    .option("--expires <seconds>", "valid for this long (default: for ever)", seconds),
).action(async (url: string, flags: Record<string, unknown> & { expires?: number }) => {
  const signed = await client().signUrl({
    options: captureInputOf(url, flags),
    expiresInSeconds: flags.expires,
  });
  console.log(signed.url);
});

/** The text of a file, or of stdin for `-`; else a one-line reason and exit 2. */
async function readList(file: string): Promise<string> {
  if (file === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  return readText(file);
}

withCaptureOptions(
  program
    .command("batch")
    .description(
      "capture every URL of <file> into --out through server-side batches; run it again to resume",
    )
    .argument("<file>", "the URLs, one a line (blank lines and # comments skipped); - for stdin")
    .requiredOption(
      "--out <dir>",
      `where the images go, one per URL, with the run's state (${STATE_FILE})`,
    )
    .option("--webhook <url>", "told by the server when each batch is over"),
).action(
  async (file: string, flags: Record<string, unknown> & { out: string; webhook?: string }) => {
    const list = parseUrlList(await readList(file));
    if (list.invalid.length > 0) {
      const lines = list.invalid.slice(0, 20).map(({ line, text }) => `\n  line ${line}: ${text}`);
      const more = list.invalid.length > 20 ? `\n  and ${list.invalid.length - 20} more` : "";
      program.error(`not absolute http(s) URLs:${lines.join("")}${more}`, {
        exitCode: EXIT.input,
      });
    }
    if (list.urls.length === 0) program.error(`no URLs in ${file}`, { exitCode: EXIT.input });
    const { url: _none, html: _markup, cookies, ...options } = captureInputOf(undefined, flags);
    if (cookies !== undefined) program.error("a batch takes no cookies", { exitCode: EXIT.input });
    if (list.duplicates > 0) {
      const times = list.duplicates === 1 ? "1 URL is" : `${list.duplicates} URLs are`;
      console.error(`${times} listed more than once: each is captured once`);
    }
    const outcome = await runBatch({
      client: client(),
      urls: list.urls,
      options,
      dir: flags.out,
      server: serverUrl().replace(/\/+$/, ""),
      webhook: flags.webhook,
      progress: (total) => createProgress("Capturing", total),
      log: (line) => console.error(line),
    });
    const { saved, skipped, failures } = outcome;
    console.log(
      `${saved} saved, ${skipped} already there, ${failures.length} failed, in ${flags.out}`,
    );
    process.exitCode = exitCodeOfFailures(failures.map((failure) => failure.code));
  },
);

/** A failure as one line: the server's code and message, and the fields it names. */
function describe(error: unknown): string {
  if (!isShotcacheError(error)) return `error: ${error instanceof Error ? error.message : error}`;
  const fields = error.fieldErrors.map(
    (field) => `\n  ${field.field ?? "input"}: ${field.message}`,
  );
  return `${error.code}: ${error.message}${fields.join("")}`;
}

try {
  await program.parseAsync();
} catch (error) {
  console.error(describe(error));
  process.exitCode = exitCodeOf(error);
}
