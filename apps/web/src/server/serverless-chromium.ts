/**
 * @module The Chromium of `@sparticuz/chromium` (an optional dependency) for serverless functions:
 * unpacked once per process, and as early as start-up allows. Nothing heavy is imported here, so
 * the instrumentation hook can start the unpacking before the rest of the app loads.
 */
import { Worker } from "node:worker_threads";
import type { Environment } from "./config/environment";

export const SERVERLESS_PACKAGE = "@sparticuz/chromium";

/** Variables a serverless runtime sets in its functions' environment (Vercel, AWS Lambda, Netlify). */
export const SERVERLESS_HOST_VARIABLES = ["VERCEL", "AWS_LAMBDA_FUNCTION_NAME", "NETLIFY"] as const;

/** The variable that shows a serverless runtime (`VERCEL`…), if one does. */
export const serverlessHostOf = (
  env: Partial<Record<(typeof SERVERLESS_HOST_VARIABLES)[number], string>>,
) => SERVERLESS_HOST_VARIABLES.find((name) => env[name]);

/** Whether `SHOTCACHE_BROWSER` asks for `serverless`, or (unset) leaves the choice to such a host. */
export const mayUseServerless = (asked: string | undefined, host: string | undefined) =>
  asked === "serverless" || (!asked && host !== undefined);

/**
 * Flags of @sparticuz/chromium's list that we leave out. `--disable-web-security` and
 * `--allow-running-insecure-content` would let a captured page read other origins' answers and
 * load http content into https pages: nothing a screenshot needs. `--single-process` cannot make
 * a browser context of its own for each capture (Target.createTarget fails with "Target closed",
 * seen with its Chromium 153; puppeteer#2608), and one crashed page would end the whole browser.
 * `--headless=…` is ours to choose: the renderer launches it as the headless shell it is, and two
 * flags would disagree.
 */
const DROPPED_FLAGS = new Set([
  "--disable-web-security",
  "--allow-running-insecure-content",
  "--single-process",
]);
const keptFlag = (flag: string) => !DROPPED_FLAGS.has(flag) && !flag.startsWith("--headless");

export interface ServerlessChromium {
  executablePath: string;
  args: string[];
}

/**
 * Kept on `globalThis`: Next.js evaluates the instrumentation hook and the routes in module graphs
 * of their own, and the package takes an unpacked browser for ready as soon as its file exists,
 * while it is still being written: two unpackings must never overlap.
 */
const holder = globalThis as {
  __shotcacheServerlessChromium?: Promise<ServerlessChromium | undefined>;
};

/**
 * Unpacks in a thread of its own: the package's brotli streams need their callbacks run, and a
 * cold start's main thread is busy loading the app (seen here: 2.2 s alone, 3.7 s beside the
 * app's loading on the main thread). The thread finds the package from the working directory,
 * as the app's own external imports do.
 */
const UNPACK_IN_THREAD = `
const { parentPort } = require("node:worker_threads");
import(${JSON.stringify(SERVERLESS_PACKAGE)})
  .then(({ default: chromium }) => chromium.executablePath())
  .then((path) => parentPort.postMessage({ path }), (error) => parentPort.postMessage({ error: String(error) }));`;

function unpackInThread(): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(UNPACK_IN_THREAD, { eval: true });
    worker.once("message", (answer: { path?: string; error?: string }) => {
      if (answer.path) resolve(answer.path);
      else reject(new Error(answer.error));
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

/**
 * The unpacked browser (about 2 s the first time on a cold instance, to /tmp), or undefined when
 * the package is not installed. The first call starts the unpacking; every call shares it. Where
 * the thread cannot load the package, the unpacking runs here.
 */
export function serverlessChromium(): Promise<ServerlessChromium | undefined> {
  holder.__shotcacheServerlessChromium ??= import("@sparticuz/chromium").then(
    async ({ default: chromium }) => ({
      executablePath: await unpackInThread().catch(() => chromium.executablePath()),
      args: chromium.args.filter(keptFlag),
    }),
    () => undefined, // not installed
  );
  return holder.__shotcacheServerlessChromium;
}

/**
 * Starts unpacking when the environment asks for `serverless`, or leaves the choice to a
 * serverless host: the unpacking (CPU in zlib's threads) then overlaps the loading of the rest of
 * the app (the main thread), which a cold start would otherwise wait for one after the other.
 * The configuration is validated later, as always; this reads only what it needs to guess.
 */
export function unpackEarly(env: Environment): void {
  if (mayUseServerless(env.SHOTCACHE_BROWSER, serverlessHostOf(env))) {
    void serverlessChromium().catch(() => {});
  }
}
