/**
 * @module The one module of the app that touches `process.env` (the server, `next start`, the
 * render worker): everything else takes the parsed `Config` (`./load-config`), or, where start-up
 * must stay light (the serverless browser's early unpacking), the raw environment from here.
 * Kept free of imports so that the instrumentation hook can load it first.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The process's environment variables. */
export const environment = (): Environment => process.env;

/**
 * Said before Next.js loads, by the production server: Next.js chooses React's development or
 * production build by `NODE_ENV`.
 */
export function declareProduction(): void {
  Object.assign(process.env, { NODE_ENV: "production" }); // typed read-only by Next.js
}
