import { isShotcacheError, type ShotcacheErrorCode } from "@shotcache/sdk";

/** How the CLI ends, documented in `--help`. */
export const EXIT = {
  ok: 0,
  /** Something unexpected: a bug, or a file that could not be written. */
  failed: 1,
  /** The input was refused: a bad option, a missing or refused API key. */
  input: 2,
  /** The page could not be captured: refused by the network policy, unreachable, an error page, too slow. */
  target: 3,
  /** The server or the way to it failed: down, busy, rate-limited, timed out. */
  server: 4,
} as const;

const INPUT_CODES = new Set<ShotcacheErrorCode>([
  "INVALID_INPUT",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "SIGNATURE_INVALID",
  "SIGNATURE_EXPIRED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "HEADERS_TOO_LARGE",
  "NOT_FOUND",
  "VERSION_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "WATCH_LIMIT_REACHED",
]);
const TARGET_CODES = new Set<ShotcacheErrorCode>([
  "TARGET_NOT_ALLOWED",
  "TARGET_UNREACHABLE",
  "TARGET_HTTP_ERROR",
  "ELEMENT_NOT_FOUND",
  "RENDER_TIMEOUT",
]);

/** The exit code of an error code; every other code (5xx, transport) is the server's. */
function exitCodeOfCode(code: string): number {
  if (INPUT_CODES.has(code as ShotcacheErrorCode)) return EXIT.input;
  if (TARGET_CODES.has(code as ShotcacheErrorCode)) return EXIT.target;
  return EXIT.server;
}

/** The exit code for a failure; every other SDK code (5xx, transport) is the server's. */
export function exitCodeOf(error: unknown): number {
  if (!isShotcacheError(error)) return EXIT.failed;
  return exitCodeOfCode(error.code);
}

/**
 * The exit code of a run whose captures failed with `codes`: 0 with none, else the highest of
 * theirs (a capture cancelled on the server, `CANCELLED`, is the server's).
 */
export function exitCodeOfFailures(codes: readonly string[]): number {
  return Math.max(EXIT.ok, ...codes.map(exitCodeOfCode));
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  done (for capture, also when the image is unchanged)
  1  an unexpected failure (a file that cannot be written, a bug)
  2  the input was refused (INVALID_INPUT, UNAUTHORIZED, FORBIDDEN, …)
  3  the page could not be captured (TARGET_NOT_ALLOWED, TARGET_UNREACHABLE, TARGET_HTTP_ERROR,
     ELEMENT_NOT_FOUND, RENDER_TIMEOUT)
  4  the server or the way to it failed (NETWORK_ERROR, TIMEOUT, SATURATED, RATE_LIMITED, 5xx)
  batch exits with the highest code of its failed captures (a cancelled one counts as 4)

Environment:
  SHOTCACHE_URL      the server, when --url is not given (default http://127.0.0.1:3000)
  SHOTCACHE_API_KEY  sent as a Bearer token`;
