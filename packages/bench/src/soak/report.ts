import { readdirSync, readFileSync } from "node:fs";
import { descendantsOf } from "@shotcache/testkit";
import type { machine } from "../report";
import type { InjectedFault } from "./faults";
import type { TrafficRecord } from "./traffic";

/** The server process's resources at one moment. */
export interface ResourceSample {
  atSeconds: number;
  /** Resident memory of the server process itself (its browser not included). */
  rssMiB: number;
  /** Open file descriptors of the server process: sockets, pipes, files. */
  openHandles: number;
  chromiumProcesses: number;
}

export function sampleResources(pid: number, atSeconds: number): ResourceSample {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return {
    atSeconds: Math.round(atSeconds),
    rssMiB: Math.round(rssKiB / 1024),
    openHandles: readdirSync(`/proc/${pid}/fd`).length,
    chromiumProcesses: descendantsOf(pid).filter((info) => /chrom(e|ium)/i.test(info.commandLine))
      .length,
  };
}

export interface SoakResults {
  date: string;
  machine: ReturnType<typeof machine>;
  minutes: number;
  callers: number;
  traffic: TrafficRecord;
  faults: InjectedFault[];
  samples: ResourceSample[];
  /** After the traffic, once idle. */
  end: ResourceSample;
  serverExitCode: number | string | null;
  chromiumLeft: number;
  foldersLeft: number;
}

/** 5xx a failing part may rightly cause: the service says it is busy, or its store is down. */
const EXPECTED_5XX = /^503 (SATURATED|STORE_)/;

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/** The figures the soak is judged by. */
export function summarize(results: SoakResults) {
  const answers = Object.fromEntries([...results.traffic.answers].sort((a, b) => b[1] - a[1]));
  const total = Object.values(answers).reduce((sum, n) => sum + n, 0);
  const unexpected5xx = Object.entries(answers)
    .filter(([answer]) => /^5/.test(answer) && !EXPECTED_5XX.test(answer))
    .reduce((sum, [, n]) => sum + n, 0);
  const networkErrors = Object.entries(answers)
    .filter(([answer]) => answer.startsWith("network error"))
    .reduce((sum, [, n]) => sum + n, 0);
  const latency = Object.fromEntries(
    [...results.traffic.latencyMs].map(([by, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return [
        by,
        { count: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) },
      ];
    }),
  );
  // Memory settles when the last third of the run peaks no higher than 10 % over the middle third.
  const third = Math.floor(results.samples.length / 3);
  const peak = (samples: ResourceSample[]) => Math.max(...samples.map((sample) => sample.rssMiB));
  const middlePeak = peak(results.samples.slice(third, 2 * third));
  const lastPeak = peak(results.samples.slice(2 * third));
  const start = results.samples[0] as ResourceSample;
  return {
    total,
    answers,
    unexpected5xx,
    networkErrors,
    etagMismatches: results.traffic.etagMismatches.length,
    badInputAccepted: results.traffic.badInputAccepted.length,
    latency,
    rss: { startMiB: start.rssMiB, endMiB: results.end.rssMiB, middlePeak, lastPeak },
    rssSettles: lastPeak <= middlePeak * 1.1,
    openHandles: { start: start.openHandles, end: results.end.openHandles },
    chromiumLeft: results.chromiumLeft,
    foldersLeft: results.foldersLeft,
    serverExitCode: results.serverExitCode,
  };
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const verdict = (ok: boolean) => (ok ? "yes" : "NO");

export function soakMarkdown(results: SoakResults): string {
  const s = summarize(results);
  const lines = [
    "# shotcache soak results",
    "",
    `Run ${results.date} on ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}: ` +
      `${results.minutes} min of mixed traffic from ${results.callers} callers and one over its rate limit, ` +
      "against the production server on Redis, with a fault every 20 s. Written by `pnpm soak`.",
    "",
    "| check | result | target | met |",
    "| --- | --- | --- | --- |",
    `| 5xx other than 503 SATURATED / STORE_… | ${s.unexpected5xx} | 0 | ${verdict(s.unexpected5xx === 0)} |`,
    `| requests that failed on the network (no answer) | ${s.networkErrors} | 0 | ${verdict(s.networkErrors === 0)} |`,
    `| images whose bytes do not match their ETag | ${s.etagMismatches} | 0 | ${verdict(s.etagMismatches === 0)} |`,
    `| bad input answered other than 4xx | ${s.badInputAccepted} | 0 | ${verdict(s.badInputAccepted === 0)} |`,
    `| Chromium processes / folders left after the server stopped | ${s.chromiumLeft} / ${s.foldersLeft} | 0 / 0 | ${verdict(s.chromiumLeft + s.foldersLeft === 0)} |`,
    `| server RSS: start, end; peak of the middle and last thirds | ${s.rss.startMiB}, ${s.rss.endMiB}; ${s.rss.middlePeak}, ${s.rss.lastPeak} MiB | last third ≤ 1.1 × middle | ${verdict(s.rssSettles)} |`,
    `| server open handles: start, end | ${s.openHandles.start}, ${s.openHandles.end} | — | — |`,
    `| server exit on SIGTERM | ${s.serverExitCode} | 0 | ${verdict(s.serverExitCode === 0)} |`,
    "",
    `## Answers (${s.total.toLocaleString("en")} requests)`,
    "",
    "| answer | count |",
    "| --- | --- |",
    ...Object.entries(s.answers).map(([answer, n]) => `| ${answer} | ${n.toLocaleString("en")} |`),
    "",
    "## Latency by cache status (images) or HTTP status (the rest)",
    "",
    "| answered as | count | p50 | p99 |",
    "| --- | --- | --- | --- |",
    ...Object.entries(s.latency)
      .sort((a, b) => b[1].count - a[1].count)
      .map(
        ([by, l]) => `| ${by} | ${l.count.toLocaleString("en")} | ${ms(l.p50)} | ${ms(l.p99)} |`,
      ),
    "",
    "## Faults injected",
    "",
    ...results.faults.map((fault) => `- ${fault.atSeconds} s: ${fault.fault}`),
    "",
    "## The server's resources every 10 s",
    "",
    "| s | RSS (MiB) | open handles | Chromium processes |",
    "| --- | --- | --- | --- |",
    ...[...results.samples, results.end].map(
      (sample) =>
        `| ${sample.atSeconds} | ${sample.rssMiB} | ${sample.openHandles} | ${sample.chromiumProcesses} |`,
    ),
  ];
  for (const [title, found] of [
    ["ETag mismatches", results.traffic.etagMismatches],
    ["Bad input accepted", results.traffic.badInputAccepted],
  ] as const) {
    if (found.length > 0) lines.push("", `## ${title}`, "", ...found.map((item) => `- ${item}`));
  }
  return `${lines.join("\n")}\n`;
}
