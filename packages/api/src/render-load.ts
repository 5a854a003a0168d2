/** @module What renders run on and how busy they are, as health output and metrics show it. */

/** Renders running and waiting: in this process's pool, or on the shared queue and its workers. */
export interface RenderLoad {
  /** @default "local" */
  mode?: "local" | "queue";
  running: number;
  waiting: number;
  /** With the queue: render workers alive, and the renders they run at once in all. */
  workers?: number;
  slots?: number;
}

/** Where the browser comes from (`SHOTCACHE_BROWSER`), for health output. */
export type BrowserSourceKind = "local" | "remote" | "serverless";
