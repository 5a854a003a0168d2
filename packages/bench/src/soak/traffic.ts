import { setTimeout as sleep } from "node:timers/promises";
import { etagFor } from "@shotcache/core";

/** What the traffic saw: every answer by kind, latency by cache status, and broken images. */
export interface TrafficRecord {
  /** Answers by `<status> <code>` (`200`, `304`, `429 RATE_LIMITED`, `network error`, …). */
  answers: Map<string, number>;
  /** Milliseconds per answer, by how it was answered (`HIT`, `MISS`, `304`, `429`, …). */
  latencyMs: Map<string, number[]>;
  /** Images served whose bytes do not hash to their ETag, or not as long as their length. */
  etagMismatches: string[];
  /** Bad input answered with anything but a 4xx problem. */
  badInputAccepted: string[];
}

export interface TrafficOptions {
  origin: string;
  /** The fixture site's URL of a path. */
  page: (path: string) => string;
  apiKey: string;
  /** Concurrent callers, besides the one who ignores rate limits. */
  callers: number;
  /** When to stop (epoch ms). */
  until: number;
}

/** Pages asked for again and again: mostly hits, revalidations and purges. */
const HOT_PAGES = 12;
/** Pause between a caller's requests: the load leaves the renders their share of two cores. */
const THINK_MS = 15;
/** The abuser's pause: well over its 300 requests a minute from one address. */
const ABUSER_THINK_MS = 20;

/** The mix of one caller's requests, by share. */
const MIX: [share: number, kind: Kind][] = [
  [0.55, "hit"],
  [0.1, "revalidate"],
  [0.1, "miss"],
  [0.05, "purge"],
  [0.1, "bad-input"],
  [0.05, "stats"],
  [0.05, "refresh"],
];
type Kind = "hit" | "revalidate" | "miss" | "purge" | "bad-input" | "stats" | "refresh";

const BAD_INPUTS = [
  "url=ftp%3A%2F%2Fexample.com%2F",
  "url=https%3A%2F%2Fexample.com&width=wide",
  "url=https%3A%2F%2Fexample.com&format=gif",
  "width=800",
  "url=https%3A%2F%2Fexample.com&unknown=1",
];

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

function kindOf(roll: number): Kind {
  let sum = 0;
  for (const [share, kind] of MIX) {
    sum += share;
    if (roll < sum) return kind;
  }
  return "hit";
}

/**
 * Mixed traffic against the production server until `until`: hits (some conditional), misses,
 * refreshes, purges, statistics and bad input from `callers` callers, each with a forwarded
 * address of its own per request (the server trusts one proxy hop), and one caller that ignores
 * its rate limit from a single address.
 */
export async function runTraffic(options: TrafficOptions): Promise<TrafficRecord> {
  const record: TrafficRecord = {
    answers: new Map(),
    latencyMs: new Map(),
    etagMismatches: [],
    badInputAccepted: [],
  };
  const etags = new Map<string, string>();
  let misses = 0;
  const hotUrl = () => options.page(`/stable?hot=${Math.floor(Math.random() * HOT_PAGES)}`);
  const screenshot = (url: string, extra = "") =>
    `${options.origin}/api/v1/screenshot?url=${encodeURIComponent(url)}${extra}`;

  const count = (answer: string, ms: number, by: string) => {
    record.answers.set(answer, (record.answers.get(answer) ?? 0) + 1);
    const latencies = record.latencyMs.get(by) ?? [];
    latencies.push(ms);
    record.latencyMs.set(by, latencies);
  };

  /** One request; counts its answer, and checks every image against its ETag. */
  async function request(
    url: string,
    init: RequestInit,
    client: string,
  ): Promise<Response | undefined> {
    const started = performance.now();
    let response: Response;
    let body: Uint8Array;
    try {
      response = await fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), "x-forwarded-for": client },
        signal: AbortSignal.timeout(90_000),
      });
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      count(`network error (${(error as Error).name})`, performance.now() - started, "error");
      return undefined;
    }
    const ms = performance.now() - started;
    const code = response.headers.get("content-type")?.includes("problem+json")
      ? (JSON.parse(Buffer.from(body).toString()).code as string)
      : "";
    // Latency by cache status for images, by HTTP status for everything else.
    const by =
      response.status === 200
        ? (response.headers.get("x-cache") ?? "200")
        : String(response.status);
    count(`${response.status}${code ? ` ${code}` : ""}`, ms, by);
    const etag = response.headers.get("etag");
    if (response.status === 200 && response.headers.get("content-type")?.startsWith("image/")) {
      const length = Number(response.headers.get("content-length"));
      if (etag !== etagFor(body) || length !== body.byteLength) {
        record.etagMismatches.push(
          `${url}: ${etag} for ${body.byteLength} bytes (${etagFor(body)})`,
        );
      }
    }
    return response;
  }

  async function caller(): Promise<void> {
    while (Date.now() < options.until) {
      const client = `198.51.100.${Math.floor(Math.random() * 254) + 1}`;
      const kind = kindOf(Math.random());
      if (kind === "hit") {
        await request(screenshot(hotUrl()), {}, client);
      } else if (kind === "revalidate") {
        const url = hotUrl();
        const response = await request(
          screenshot(url),
          { headers: etags.has(url) ? { "if-none-match": etags.get(url) ?? "" } : {} },
          client,
        );
        const etag = response?.headers.get("etag");
        if (etag) etags.set(url, etag);
      } else if (kind === "miss") {
        await request(screenshot(options.page(`/stable?miss=${misses++}`)), {}, client);
      } else if (kind === "refresh") {
        await request(
          screenshot(options.page(`/changing?hot=${misses % 3}`), "&refresh=true"),
          {},
          client,
        );
      } else if (kind === "purge") {
        await request(
          `${options.origin}/api/v1/cache?url=${encodeURIComponent(hotUrl())}`,
          { method: "DELETE", headers: { authorization: `Bearer ${options.apiKey}` } },
          client,
        );
      } else if (kind === "stats") {
        await request(
          `${options.origin}/api/v1/stats`,
          { headers: { authorization: `Bearer ${options.apiKey}` } },
          client,
        );
      } else {
        const query = pick(BAD_INPUTS);
        const response = await request(`${options.origin}/api/v1/screenshot?${query}`, {}, client);
        if (response && (response.status < 400 || response.status >= 500)) {
          record.badInputAccepted.push(`${query}: ${response.status}`);
        }
      }
      await sleep(THINK_MS);
    }
  }

  /** One address asking for the same page as fast as it likes: it is meant to be limited. */
  async function abuser(): Promise<void> {
    while (Date.now() < options.until) {
      await request(screenshot(hotUrl()), {}, "203.0.113.66");
      await sleep(ABUSER_THINK_MS);
    }
  }

  await Promise.all([abuser(), ...Array.from({ length: options.callers }, caller)]);
  return record;
}
