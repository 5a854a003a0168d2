import { setTimeout as sleep } from "node:timers/promises";
import type { CdnPurger } from "./ports";

/** What a purge drops at the CDNs: copies tagged so, and copies at these public URLs. */
export interface CdnPurgeTarget {
  tags: string[];
  urls: string[];
}

/** What one CDN said about a purge, as the purge's answer reports it. */
export interface CdnPurgeReport {
  cdn: string;
  /** `failed` also when it did not answer within the deadline; it is retried in the background. */
  status: "purged" | "failed";
  /** Why it failed (the CDN's answer, or the network's), never a secret. */
  error?: string;
}

export interface CdnPurgeOptions {
  /** How long a purge at the origin waits for the CDNs' first answers. @default 2000 */
  deadlineMs?: number;
  /** Attempts per CDN in all, the first included. @default 4 */
  attempts?: number;
  /** Wait before the first retry; doubled for each next one. @default 1000 */
  backoffMs?: number;
  /**
   * After a CDN purged, it is told once more this much later (0: never): an answer the origin
   * gave just before its own purge may have reached the CDN's cache just after. @default 2000
   */
  repeatAfterMs?: number;
  /** Told about every attempt that failed, with its number (1 for the first). */
  onFailure?: (cdn: string, error: unknown, attempt: number) => void;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Tells every CDN to drop the copies tagged `tags`, all at once. The caller waits for the first
 * attempts only as long as the deadline; a CDN that failed or is still silent is reported as
 * failed and retried with back-off in the background, so a CDN outage never fails or holds up
 * a purge at the origin. One that purged is told once more a little later (`repeatAfterMs`).
 */
export function createCdnPurge(purgers: readonly CdnPurger[], options: CdnPurgeOptions = {}) {
  const deadlineMs = options.deadlineMs ?? 2_000;
  const attempts = options.attempts ?? 4;
  const backoffMs = options.backoffMs ?? 1_000;
  const repeatAfterMs = options.repeatAfterMs ?? 2_000;
  const background = new Set<Promise<unknown>>();

  async function attempt(purger: CdnPurger, target: CdnPurgeTarget, number: number) {
    try {
      await purger.purge(target, AbortSignal.timeout(deadlineMs));
    } catch (error) {
      options.onFailure?.(purger.name, error, number);
      throw error;
    }
  }

  /** The retries after a failed first attempt; the last failure is the last word. */
  async function retry(purger: CdnPurger, target: CdnPurgeTarget): Promise<void> {
    for (let number = 2; number <= attempts; number++) {
      // Retries are best effort: they never keep a process alive that is shutting down.
      await sleep(backoffMs * 2 ** (number - 2), undefined, { ref: false });
      try {
        return await attempt(purger, target, number);
      } catch {
        // counted by attempt(); the next one follows
      }
    }
  }

  /** Once more, a little later, for a copy of the old image that was still on its way. */
  async function repeat(purger: CdnPurger, target: CdnPurgeTarget): Promise<void> {
    await sleep(repeatAfterMs, undefined, { ref: false });
    await attempt(purger, target, 1).catch(() => retry(purger, target));
  }

  function inBackground(work: Promise<void>): void {
    const tracked = work.finally(() => background.delete(tracked));
    background.add(tracked);
  }

  async function purgeOne(purger: CdnPurger, target: CdnPurgeTarget): Promise<CdnPurgeReport> {
    // The first attempt has the deadline as its own timeout: it has answered or failed by then.
    try {
      await attempt(purger, target, 1);
      if (repeatAfterMs > 0) inBackground(repeat(purger, target));
      return { cdn: purger.name, status: "purged" };
    } catch (error) {
      inBackground(retry(purger, target));
      return { cdn: purger.name, status: "failed", error: messageOf(error) };
    }
  }

  return {
    purge: (target: CdnPurgeTarget) =>
      Promise.all(purgers.map((purger) => purgeOne(purger, target))),
    /** Whether a purge needs the public URLs answered (a CDN purges by exact URL). */
    byUrl: purgers.some((purger) => purger.byUrl),
    /** Retries and repeats under way. */
    pending: () => background.size,
    /** Settles once the retries under way have ended. */
    idle: async () => {
      while (background.size > 0) await Promise.allSettled([...background]);
    },
  };
}

export type CdnPurge = ReturnType<typeof createCdnPurge>;

/** Several purges as one answer: the entries they dropped, and per CDN, its first failure if any. */
export function mergePurgeOutcomes(
  outcomes: readonly { purged: number; cdn: readonly CdnPurgeReport[] }[],
): { purged: number; cdn: CdnPurgeReport[] } {
  const byCdn = new Map<string, CdnPurgeReport>();
  for (const report of outcomes.flatMap((outcome) => outcome.cdn)) {
    if (byCdn.get(report.cdn)?.status !== "failed") byCdn.set(report.cdn, report);
  }
  return {
    purged: outcomes.reduce((sum, outcome) => sum + outcome.purged, 0),
    cdn: [...byCdn.values()],
  };
}
