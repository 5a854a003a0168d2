"use client";

import type { History, ShotcacheClient } from "@shotcache/sdk";
import { type FormEvent, useEffect, useState } from "react";
import { formatPercent, formatTime } from "./format";
import { type Problem, problemFrom } from "./use-shotcache";

type Version = History["versions"][number];

/** A version's change as the strip shows it. */
const changeText = (version: Version) =>
  version.changeRatio === null ? "first" : `${formatPercent(version.changeRatio)} changed`;

/**
 * Images the API serves behind a key, as object URLs: an `<img src>` cannot send the key. They
 * are let go when the list changes or the viewer goes.
 */
function useImages(urls: string[], apiKey: string): Record<string, string> {
  const [images, setImages] = useState<Record<string, string>>({});
  const wanted = urls.join("\n");
  useEffect(() => {
    let current = true;
    const made: string[] = [];
    const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
    void Promise.all(
      wanted
        .split("\n")
        .filter(Boolean)
        .map(async (url) => {
          const response = await fetch(url, { headers });
          if (!response.ok) return [url, ""] as const;
          const objectUrl = URL.createObjectURL(await response.blob());
          made.push(objectUrl);
          return [url, objectUrl] as const;
        }),
    ).then((pairs) => current && setImages(Object.fromEntries(pairs)));
    return () => {
      current = false;
      for (const objectUrl of made) URL.revokeObjectURL(objectUrl);
    };
  }, [wanted, apiKey]);
  return images;
}

/**
 * The versions of a page (its default variant), newest first, as a strip with how much each
 * changed, the selectors given left out; and the diff of any two of them.
 */
export function VersionsViewer({ client, apiKey }: { client: ShotcacheClient; apiKey: string }) {
  const [url, setUrl] = useState("");
  const [ignore, setIgnore] = useState("");
  const [shown, setShown] = useState<{ url: string; ignoreSelectors?: string[] }>();
  const [versions, setVersions] = useState<Version[]>();
  const [pick, setPick] = useState({ from: "", to: "" });
  const [diff, setDiff] = useState<{ src: string; changeRatio: number }>();
  const [problem, setProblem] = useState<Problem>();
  const images = useImages(versions?.map((version) => version.image) ?? [], apiKey);

  useEffect(() => () => diff && URL.revokeObjectURL(diff.src), [diff]);

  async function list(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setDiff(undefined);
    const selectors = ignore
      .split(",")
      .map((selector) => selector.trim())
      .filter(Boolean);
    const input = { url: url.trim(), ...(selectors.length ? { ignoreSelectors: selectors } : {}) };
    try {
      const history = await client.history(input);
      setShown(input);
      setVersions(history.versions);
      setPick({ from: history.versions[1]?.etag ?? "", to: history.versions[0]?.etag ?? "" });
    } catch (error) {
      setVersions(undefined);
      setProblem(problemFrom(error));
    }
  }

  async function showDiff(event: FormEvent) {
    event.preventDefault();
    if (!shown) return;
    try {
      const { bytes, changeRatio } = await client.diff(shown, pick);
      const src = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: "image/png" }));
      setDiff({ src, changeRatio });
    } catch (error) {
      setDiff(undefined);
      setProblem(problemFrom(error));
    }
  }

  const versionOption = (version: Version) => (
    <option key={version.etag} value={version.etag}>
      {formatTime(version.capturedAt)} ({changeText(version)})
    </option>
  );

  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Versions of a page</h2>
      <form className="inline-form" onSubmit={list} noValidate>
        <label htmlFor="versions-url">URL of the page</label>
        <input
          id="versions-url"
          type="text"
          inputMode="url"
          placeholder="https://example.com"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
        />
        <label htmlFor="versions-ignore">Leave out (CSS selectors)</label>
        <input
          id="versions-ignore"
          type="text"
          placeholder="#clock, .ad"
          value={ignore}
          onChange={(event) => setIgnore(event.target.value)}
        />
        <button type="submit">Show versions</button>
        {problem && (
          <span className="field-error" role="alert">
            {problem.fields.url ?? problem.message}
          </span>
        )}
      </form>
      {versions && (
        <>
          <p>
            {versions.length} version{versions.length === 1 ? "" : "s"} of {shown?.url}, newest
            first
          </p>
          <ol className="versions" aria-label="Versions">
            {versions.map((version) => (
              <li key={version.etag}>
                <figure>
                  {images[version.image] && (
                    // biome-ignore lint/performance/noImgElement: a blob: URL of bytes fetched with the key
                    <img
                      src={images[version.image]}
                      alt={`Version of ${formatTime(version.capturedAt)}`}
                    />
                  )}
                  <figcaption>
                    {formatTime(version.capturedAt)}
                    <br />
                    <span data-testid="change">{changeText(version)}</span>
                  </figcaption>
                </figure>
              </li>
            ))}
          </ol>
          {versions.length > 1 && (
            <form className="inline-form" onSubmit={showDiff}>
              <label htmlFor="diff-from">From</label>
              <select
                id="diff-from"
                value={pick.from}
                onChange={(event) => setPick({ ...pick, from: event.target.value })}
              >
                {versions.map(versionOption)}
              </select>
              <label htmlFor="diff-to">To</label>
              <select
                id="diff-to"
                value={pick.to}
                onChange={(event) => setPick({ ...pick, to: event.target.value })}
              >
                {versions.map(versionOption)}
              </select>
              <button type="submit">Show the diff</button>
            </form>
          )}
          {diff && (
            <figure>
              {/* biome-ignore lint/performance/noImgElement: a blob: URL of bytes we already hold */}
              <img src={diff.src} alt="What changed, in red" />
              <figcaption data-testid="diff-ratio">
                {formatPercent(diff.changeRatio)} changed
              </figcaption>
            </figure>
          )}
        </>
      )}
    </section>
  );
}
