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
