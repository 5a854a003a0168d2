/** @module Where the browser comes from: launched here, a remote DevTools endpoint, or serverless. */
import { z } from "zod";
import { SERVERLESS_HOST_VARIABLES, serverlessHostOf } from "../serverless-chromium";
import { booleanText } from "./parsers";

/** Set by a serverless runtime itself; read only to tell that this is one. */
const hostVariables = Object.fromEntries(
  SERVERLESS_HOST_VARIABLES.map((name) => [
    name,
    z.string().optional().meta({ description: "set by the host: this is a serverless runtime" }),
  ]),
) as Record<(typeof SERVERLESS_HOST_VARIABLES)[number], z.ZodOptional<z.ZodString>>;

export const browserSettings = {
  title: "Browser",
  about:
    "On a serverless host (the host's `VERCEL`, `AWS_LAMBDA_FUNCTION_NAME` or `NETLIFY` variable is set) no timer runs between requests: no contexts are kept ready (`SHOTCACHE_READY_CONTEXTS` is 0 unless set) and watches run from the cron route. [Deploy to Vercel with Upstash](deploy-vercel.md) has the steps, settings and limits.",
  variables: z.object({
    SHOTCACHE_BROWSER: z.enum(["local", "remote", "serverless"]).optional().meta({
      description:
        "`local` (launched here), `remote` (a DevTools endpoint: browserless, a Chrome on another host, Cloudflare's) or `serverless` (`@sparticuz/chromium`); unset: `serverless` on a serverless host where that package is installed, else `local`",
      shownDefault: "chosen",
    }),
    SHOTCACHE_BROWSER_URL: z
      .url({
        protocol: /^(wss?|https?)$/,
        error: "must be a ws://, wss://, http:// or https:// URL",
      })
      .optional()
      .meta({
        description:
          "with `remote` (required): a `ws(s)://` DevTools endpoint, or `http(s)://host:port` whose `/json/version` names it; a token may ride in it (it is never logged whole)",
      }),
    SHOTCACHE_BROWSER_AUTHORIZATION: z.string().min(1).optional().meta({
      description:
        "with `remote`: the DevTools connection's `Authorization` header (Cloudflare's `Bearer …`); never logged",
    }),
    CHROME_PATH: z.string().min(1).optional().meta({
      description:
        "with `local`: the browser; unset: Puppeteer's own download, else the usual system paths (a headless shell before a whole browser)",
      shownDefault: "found",
    }),
    PUPPETEER_EXECUTABLE_PATH: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "the same, under Puppeteer's name", shownDefault: "found" }),
    SHOTCACHE_BROWSER_SANDBOX: booleanText.optional().meta({
      description:
        "with `local`: run Chromium in its own sandbox (`true`) or without it (`false`); unset: with it, unless this process runs as root, where Chromium refuses it. The sandbox needs user namespaces, which Docker's and Kubernetes' default seccomp profiles refuse: the image sets `false` and relies on the container's own isolation ([Run with Docker](docker.md))",
      shownDefault: "unless root",
    }),
    ...hostVariables,
  }),
};

type BrowserVariables = z.output<typeof browserSettings.variables>;

export function browserConfigOf(variables: BrowserVariables) {
  return {
    /** Unset: chosen by the host (see browser.ts). */
    source: variables.SHOTCACHE_BROWSER,
    remoteUrl: variables.SHOTCACHE_BROWSER_URL,
    remoteAuthorization: variables.SHOTCACHE_BROWSER_AUTHORIZATION,
    /** The variables that name a local browser, as `findBrowserExecutable` takes them. */
    executablePaths: {
      CHROME_PATH: variables.CHROME_PATH,
      PUPPETEER_EXECUTABLE_PATH: variables.PUPPETEER_EXECUTABLE_PATH,
    },
    /** Unset: Chromium's sandbox unless this process is root (see browser-process.ts). */
    sandbox: variables.SHOTCACHE_BROWSER_SANDBOX,
    /**
     * The variable that shows a serverless runtime (`VERCEL`…), if one does: there the process
     * may be frozen between requests, so nothing runs on timers of its own.
     */
    serverlessHost: serverlessHostOf(variables),
  };
}

export type BrowserConfig = ReturnType<typeof browserConfigOf>;
