"use client";

import type { CaptureInput, ShotcacheClient } from "@shotcache/sdk";
import { useEffect, useRef, useState } from "react";
import { CopyBlock } from "./copy-button";
import { formatTime } from "./format";
import { curlCommand, sdkSnippet } from "./snippets";
import { problemFrom } from "./use-shotcache";

const EXPIRY_CHOICES = [
  { label: "never", seconds: undefined },
  { label: "1 hour", seconds: 3_600 },
  { label: "1 day", seconds: 86_400 },
  { label: "30 days", seconds: 30 * 86_400 },
];

interface SameRequestProps {
  input: CaptureInput;
  client: ShotcacheClient;
  /** Whether captures need a key: the snippets then read it from the environment. */
  captureNeedsKey: boolean;
  /** Whether the server can sign public URLs. */
  signing: boolean;
}

/** The request just made, as a curl command, an SDK call and (if the server signs) a public URL. */
export function SameRequest({ input, client, captureNeedsKey, signing }: SameRequestProps) {
  // Shown only after a capture, so only in the browser: the page's own origin is at hand.
  const origin = window.location.origin;
  const [expiry, setExpiry] = useState(0);
  const [signed, setSigned] = useState<{ url: string; expiresAt: string | null }>();
  const [signError, setSignError] = useState("");
  const currentInput = useRef(input);

  // A URL signed for other options is not this request's: drop it when the request changes.
  useEffect(() => {
    currentInput.current = input;
    setSigned(undefined);
    setSignError("");
  }, [input]);

  async function sign() {
    setSignError("");
    const requested = input;
    try {
      const { seconds } = EXPIRY_CHOICES[expiry] ?? {};
      const answer = await client.signUrl({ options: requested, expiresInSeconds: seconds });
      // An answer for a request that has since been replaced is not shown.
      if (currentInput.current !== requested) return;
      setSigned({ ...answer, url: new URL(answer.url, window.location.href).href });
    } catch (error) {
      if (currentInput.current !== requested) return;
      setSigned(undefined);
      setSignError(problemFrom(error).message);
    }
  }

  return (
    <section className="same-request" aria-labelledby="same-request-title">
      <h2 id="same-request-title">The same request</h2>
      <CopyBlock label="curl" text={curlCommand(origin, input, captureNeedsKey)} testId="curl" />
      <CopyBlock label="SDK" text={sdkSnippet(origin, input, captureNeedsKey)} testId="sdk" />
      {signing && (
        <div className="signed">
          <div className="row">
            <label>
              Signed URL expires
              <select value={expiry} onChange={(event) => setExpiry(Number(event.target.value))}>
                {EXPIRY_CHOICES.map((choice, index) => (
                  <option key={choice.label} value={index}>
                    {choice.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={sign}>
              Make signed URL
            </button>
          </div>
          {signError && (
            <p className="error" role="alert">
              {signError}
            </p>
          )}
          {signed && (
            <>
              <CopyBlock label="signed URL" text={signed.url} testId="signed-url" />
              <p className="hint" data-testid="signed-expiry">
                {signed.expiresAt
                  ? `Valid until ${formatTime(signed.expiresAt)}.`
                  : "Valid until the signing secret changes."}
              </p>
            </>
          )}
        </div>
      )}
    </section>
  );
}
