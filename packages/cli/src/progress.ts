import ora from "ora";

/**
 * Shows that work is under way: a spinner with the elapsed time on a terminal, one plain line
 * otherwise (a log, a pipe, CI). Everything goes to stderr, so stdout holds only results.
 */
export async function withProgress<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (!process.stderr.isTTY) {
    process.stderr.write(`${label}…\n`);
    return work();
  }
  const spinner = ora({ text: label, stream: process.stderr }).start();
  const timer = setInterval(() => {
    spinner.text = `${label} ${elapsed()}`;
  }, 100);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    spinner.stop();
  }
}

/** Progress through a known number of items, on stderr. */
export interface Progress {
  /**
   * One more item is done; `line` says how: a plain line when not on a terminal, and on one only
   * when it must stay (a failure), above the bar.
   */
  advance(line: string, stays?: boolean): void;
  stop(): void;
}

const BAR_WIDTH = 24;

/** The bar of `done` out of `total`: `[######------]`. */
export function barOf(done: number, total: number, width = BAR_WIDTH): string {
  const filled = total === 0 ? width : Math.min(width, Math.floor((done / total) * width));
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

/**
 * A bar with the count and the elapsed time on a terminal; elsewhere (a log, a pipe, CI) one plain
 * line per item, `[n/total] line`. Everything goes to stderr, so stdout holds only results.
 */
export function createProgress(label: string, total: number): Progress {
  const started = performance.now();
  let done = 0;
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (total === 0) return { advance() {}, stop() {} };
  if (!process.stderr.isTTY) {
    return {
      advance(line) {
        done++;
        process.stderr.write(`[${done}/${total}] ${line}\n`);
      },
      stop() {},
    };
  }
  const text = () => `${label} ${barOf(done, total)} ${done}/${total} ${elapsed()}`;
  const spinner = ora({ text: text(), stream: process.stderr }).start();
  const timer = setInterval(() => {
    spinner.text = text();
  }, 100);
  return {
    advance(line, stays) {
      done++;
      spinner.text = text();
      if (stays) {
        spinner.clear();
        process.stderr.write(`${line}\n`);
        spinner.render();
      }
    },
    stop() {
      clearInterval(timer);
      spinner.stop();
    },
  };
}
