import { existsSync } from "node:fs";
import puppeteer from "puppeteer";

/** Where Chrome or Chromium is usually installed, most common first. */
const SYSTEM_BROWSER_PATHS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

/** Variables that name the browser explicitly, checked in this order. */
const BROWSER_PATH_VARIABLES = ["CHROME_PATH", "PUPPETEER_EXECUTABLE_PATH"] as const;

export class BrowserNotFoundError extends Error {
  override readonly name = "BrowserNotFoundError";
}

async function puppeteerDownload(): Promise<string | undefined> {
  try {
    return await puppeteer.executablePath();
  } catch {
    // No download configured for this platform: fall through to the system paths.
    return undefined;
  }
}

/**
 * The browser to launch: `CHROME_PATH` or `PUPPETEER_EXECUTABLE_PATH` when set, else a browser that
 * Puppeteer downloaded, else a system install. Throws an error that says how to fix it when none
 * exists.
 */
export async function findBrowserExecutable(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string> {
  for (const variable of BROWSER_PATH_VARIABLES) {
    const configured = env[variable];
    if (!configured) continue;
    if (existsSync(configured)) return configured;
    throw new BrowserNotFoundError(`${variable}=${configured} does not exist.`);
  }
  const found = [await puppeteerDownload(), ...SYSTEM_BROWSER_PATHS].find(
    (path) => path !== undefined && existsSync(path),
  );
  if (found) return found;
  throw new BrowserNotFoundError(
    "No Chrome or Chromium found. Install one (Debian/Ubuntu: `apt-get install chromium`; " +
      "or `npx puppeteer browsers install chrome`) or set CHROME_PATH to its executable.",
  );
}
