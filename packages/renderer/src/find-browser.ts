import { existsSync } from "node:fs";
import puppeteer from "puppeteer";

/**
 * Where Chrome or Chromium is usually installed, most common first. The headless shell (Debian's
 * `chromium-headless-shell`, Google's `chrome-headless-shell`) comes first: it is the same engine
 * without the desktop browser's per-profile services, so a fresh context per capture costs no
 * more than a fresh page (see the benchmark results), and every render costs less.
 */
const SYSTEM_BROWSER_PATHS = [
  // Not /usr/bin's script: it runs the shell without `exec`, so its PID would not be the browser's.
  "/usr/lib/chromium/chromium-headless-shell",
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

/** Whether an executable is a headless shell (launched in Puppeteer's `headless: "shell"` mode). */
export const isHeadlessShell = (executablePath: string): boolean =>
  /headless[-_]shell[^/\\]*$/.test(executablePath);

/** Variables that name the browser explicitly, checked in this order. */
const BROWSER_PATH_VARIABLES = ["CHROME_PATH", "PUPPETEER_EXECUTABLE_PATH"] as const;

export class BrowserNotFoundError extends Error {
  override readonly name = "BrowserNotFoundError";
}

/** A browser Puppeteer downloaded: its headless shell, else its Chrome (where configured). */
async function puppeteerDownloads(): Promise<(string | undefined)[]> {
  const downloaded = (headless: boolean | "shell") =>
    // No download configured for this platform: fall through to the system paths.
    puppeteer.executablePath({ headless }).catch(() => undefined);
  return [await downloaded("shell"), await downloaded(true)];
}

/**
 * The browser to launch: `CHROME_PATH` or `PUPPETEER_EXECUTABLE_PATH` when `env` sets them, else a
 * browser that Puppeteer downloaded, else a system install; a headless shell before a whole
 * browser. Throws an error that says how to fix it when none exists. The variables are passed in,
 * not read here: the app reads its environment in one place.
 */
export async function findBrowserExecutable(
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  for (const variable of BROWSER_PATH_VARIABLES) {
    const configured = env[variable];
    if (!configured) continue;
    if (existsSync(configured)) return configured;
    throw new BrowserNotFoundError(`${variable}=${configured} does not exist.`);
  }
  const found = [...(await puppeteerDownloads()), ...SYSTEM_BROWSER_PATHS].find(
    (path) => path !== undefined && existsSync(path),
  );
  if (found) return found;
  throw new BrowserNotFoundError(
    "No Chrome or Chromium found. Install one (Debian/Ubuntu: `apt-get install " +
      "chromium-headless-shell`, or `chromium`; or `npx puppeteer browsers install " +
      "chrome-headless-shell`) or set CHROME_PATH to its executable.",
  );
}
