"use client";

import { type Capture, createShotcacheClient, ShotcacheError } from "@shotcache/sdk";
import { type FormEvent, useEffect, useMemo, useState } from "react";

const FORMATS = ["png", "jpeg", "webp"] as const;

interface Problem {
  message: string;
  fields: Record<string, string>;
}

/** The server's message and per-field details from a failed call. */
function problemFrom(error: unknown): Problem {
  const failure = ShotcacheError.from(error);
  const fields: Record<string, string> = {};
  for (const entry of failure.fieldErrors) if (entry.field) fields[entry.field] = entry.message;
  return { message: failure.message, fields };
}

export function Playground() {
  // An empty base URL: the page talks to the server that served it.
  const client = useMemo(() => createShotcacheClient({ baseUrl: "" }), []);
  const [url, setUrl] = useState("");
  const [width, setWidth] = useState("1280");
  const [height, setHeight] = useState("720");
  const [format, setFormat] = useState<(typeof FORMATS)[number]>("png");
  const [busy, setBusy] = useState(false);
  const [shot, setShot] = useState<{ capture: Capture; src: string; elapsedMs: number }>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState("");

  // Release the previous image's object URL when it is replaced.
  useEffect(() => () => shot && URL.revokeObjectURL(shot.src), [shot]);

  async function capture(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setNotice("");
    const started = performance.now();
    try {
      const capture = await client.capture({
        url,
        width: Number(width),
        height: Number(height),
        format,
      });
      const blob = new Blob([capture.bytes as BlobPart], { type: capture.contentType });
      const elapsedMs = Math.round(performance.now() - started);
      setShot({ capture, src: URL.createObjectURL(blob), elapsedMs });
    } catch (error) {
      setProblem(problemFrom(error));
    } finally {
      setBusy(false);
    }
  }

  async function purge() {
    setProblem(undefined);
    try {
      const { purged } = await client.purge({ url });
      setNotice(`Purged ${purged} cached variant${purged === 1 ? "" : "s"}.`);
    } catch (error) {
      setProblem(problemFrom(error));
    }
  }

  const fieldError = (name: string) =>
    problem?.fields[name] ? (
      <span className="field-error" id={`${name}-error`} role="alert">
        {problem.fields[name]}
      </span>
    ) : null;

  const numberField = (
    label: string,
    name: string,
    value: string,
    onChange: (value: string) => void,
  ) => (
    <label>
      {label}
      <input
        name={name}
        type="number"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={`${name}-error`}
      />
      {fieldError(name)}
    </label>
  );

  return (
    <section className="playground" aria-label="Playground">
      <form onSubmit={capture}>
        <label>
          URL
          <input
            name="url"
            type="text"
            inputMode="url"
            placeholder="https://example.com"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            aria-describedby="url-error"
            required
          />
          {fieldError("url")}
        </label>
        <div className="row">
          {numberField("Width", "width", width, setWidth)}
          {numberField("Height", "height", height, setHeight)}
          <label>
            Format
            <select
              name="format"
              value={format}
              onChange={(event) => setFormat(event.target.value as (typeof FORMATS)[number])}
            >
              {FORMATS.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          </label>
        </div>
        <div className="row">
          <button type="submit" disabled={busy}>
            {busy ? "Capturing…" : "Capture"}
          </button>
          <button type="button" onClick={purge} disabled={busy || !url}>
            Purge
          </button>
        </div>
      </form>

      {problem && (
        <p className="error" role="alert">
          {problem.message}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}

      {shot && (
        <figure>
          <dl className="facts">
            <dt>X-Cache</dt>
            <dd data-testid="x-cache">{shot.capture.cache.status}</dd>
            <dt>Age</dt>
            <dd>{shot.capture.cache.ageSeconds} s</dd>
            <dt>TTL</dt>
            <dd>{shot.capture.cache.ttlSeconds} s</dd>
            <dt>Bytes from</dt>
            <dd data-testid="bytes-from">
              {shot.capture.cache.fromClientCache ? "this browser (304)" : "the server"}
            </dd>
            <dt>Size</dt>
            <dd>{shot.capture.bytes.byteLength.toLocaleString()} bytes</dd>
            <dt>ETag</dt>
            <dd data-testid="etag">{shot.capture.etag}</dd>
            <dt>Render time</dt>
            <dd>{shot.capture.cache.renderMs} ms</dd>
            <dt>Elapsed</dt>
            <dd>{shot.elapsedMs} ms</dd>
            <dt>Key</dt>
            <dd className="key">{shot.capture.cache.key}</dd>
          </dl>
          {/* biome-ignore lint/performance/noImgElement: a blob: URL of bytes we already hold */}
          <img src={shot.src} alt={`Screenshot of ${url}`} />
        </figure>
      )}
    </section>
  );
}
