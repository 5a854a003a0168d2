import { CaptureError } from "@shotcache/core";
import { TimeoutError } from "puppeteer";

/** Chromium network errors that mean the target could not be reached at all. */
const UNREACHABLE =
  /net::ERR_(NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|CONNECTION_\w+|ADDRESS_UNREACHABLE|INTERNET_DISCONNECTED|CERT_\w+|SSL_\w+|EMPTY_RESPONSE|TIMED_OUT|UNSAFE_PORT)/;

/** Maps whatever the browser threw to a coded `CaptureError`, in one place. */
export function toCaptureError(error: unknown): CaptureError {
  if (CaptureError.is(error)) return error;
  if (error instanceof TimeoutError) {
    return new CaptureError("RENDER_TIMEOUT", "The page did not finish loading in time.", {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  const unreachable = UNREACHABLE.exec(message);
  if (unreachable) {
    return new CaptureError(
      "TARGET_UNREACHABLE",
      `The page could not be reached (${unreachable[0]}).`,
      {
        cause: error,
        field: "url",
      },
    );
  }
  return new CaptureError("RENDER_FAILED", "The browser failed to render the page.", {
    cause: error,
  });
}
