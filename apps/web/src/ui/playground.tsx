"use client";

import type { Capture, CaptureInput } from "@shotcache/sdk";
import { type FormEvent, useEffect, useRef, useState } from "react";
import type { PageSetup } from "../server/page-setup";
import { ApiKeyField } from "./api-key-field";
import { CaptureFacts } from "./capture-facts";
import {
  type AnyFieldSpec,
  COMMON_FIELDS,
  FIELD_GROUPS,
  type FormValues,
  fieldOfError,
  initialValues,
  inputFrom,
  URL_FIELD,
} from "./capture-form";
import { OptionField } from "./option-field";
import { SameRequest } from "./same-request";
import { useElapsed } from "./use-elapsed";
import { type Problem, problemFrom, useShotcache } from "./use-shotcache";

interface Shot {
  input: CaptureInput;
  capture: Capture;
  /** An object URL of the image bytes. */
  src: string;
  elapsedMs: number;
}

/** Try any URL and option, see every cache fact, purge, and copy the same request. */
export function Playground({ setup }: { setup: PageSetup }) {
  const { client, apiKey, setApiKey } = useShotcache();
  const [values, setValues] = useState<FormValues>(() => initialValues(setup.defaults));
  const [openGroups, setOpenGroups] = useState<Set<string>>(new Set());
  const [busySince, setBusySince] = useState<number>();
  const [shot, setShot] = useState<Shot>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState("");
  const elapsedMs = useElapsed(busySince);

  // Release the previous image's object URL when it is replaced.
  useEffect(() => () => shot && URL.revokeObjectURL(shot.src), [shot]);
  // A capture that ends after the page is left must not make an object URL nobody releases.
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const setValue = (name: string, value: string | boolean) =>
    setValues((current) => ({ ...current, [name]: value }));

  function showProblem(error: unknown) {
    const found = problemFrom(error, fieldOfError);
    setProblem(found);
    // Open the groups holding a field the server complained about, so its message is seen.
    const withErrors = FIELD_GROUPS.filter((group) =>
      group.fields.some((field) => found.fields[field.name]),
    ).map((group) => group.title);
    if (withErrors.length) setOpenGroups((open) => new Set([...open, ...withErrors]));
  }

  async function run(input: CaptureInput) {
    const started = performance.now();
    setBusySince(started);
    setProblem(undefined);
    setNotice("");
    try {
      const capture = await client.capture(input);
      if (!mounted.current) return;
      const blob = new Blob([capture.bytes as BlobPart], { type: capture.contentType });
      const src = URL.createObjectURL(blob);
      setShot({ input, capture, src, elapsedMs: Math.round(performance.now() - started) });
    } catch (error) {
      showProblem(error);
    } finally {
      setBusySince(undefined);
    }
  }

  async function purge() {
    setProblem(undefined);
    setNotice("");
    try {
      const { purged } = await client.purge({ url: values.url.trim() });
      setNotice(`Purged ${purged} cached variant${purged === 1 ? "" : "s"}.`);
    } catch (error) {
      showProblem(error);
    }
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(inputFrom(values, setup.defaults));
  };
  const busy = busySince !== undefined;
  const fieldFor = (field: AnyFieldSpec) => (
    <OptionField
      key={field.name}
      field={field}
      value={values[field.name]}
      onChange={(value) => setValue(field.name, value)}
      choices={setup.choices[field.name]}
      error={problem?.fields[field.name]}
    />
  );

  return (
    <section className="playground" aria-label="Playground">
      <form onSubmit={submit} noValidate>
        {setup.keys !== "none" && (
          <ApiKeyField value={apiKey} onChange={setApiKey} needed={setup.keys} />
        )}
        {fieldFor(URL_FIELD)}
        <div className="common-options">{COMMON_FIELDS.map(fieldFor)}</div>
        {FIELD_GROUPS.map((group) => (
          <details
            key={group.title}
            open={openGroups.has(group.title)}
            onToggle={(event) => {
              const isOpen = event.currentTarget.open;
              setOpenGroups((open) => {
                const next = new Set(open);
                if (isOpen) next.add(group.title);
                else next.delete(group.title);
                return next;
              });
            }}
          >
            <summary>{group.title} options</summary>
            <div className="option-grid">{group.fields.map(fieldFor)}</div>
          </details>
        ))}
        <div className="row">
          <button type="submit" disabled={busy}>
            Capture
          </button>
          <button type="button" onClick={purge} disabled={busy || !values.url.trim()}>
            Purge
          </button>
        </div>
      </form>

      <div className="messages">
        {busy && (
          <p data-testid="loading">
            {/* Announced once; the ticking time is for the eye only. */}
            <span role="status">Capturing…</span>{" "}
            <span aria-hidden="true">{(elapsedMs / 1000).toFixed(1)} s</span>
          </p>
        )}
        {problem && (
          <p className="error" role="alert">
            {problem.message}
          </p>
        )}
        {notice && (
          <p role="status" data-testid="notice">
            {notice}
          </p>
        )}
      </div>

      {shot && (
        <div className="result" aria-busy={busy}>
          <CaptureFacts capture={shot.capture} elapsedMs={shot.elapsedMs} />
          <div className="row">
            <button type="button" onClick={() => run(shot.input)} disabled={busy}>
              Capture again
            </button>
            <a href={shot.src} download={`shot.${shot.capture.contentType.split("/")[1]}`}>
              Download image
            </a>
          </div>
          <figure>
            {/* biome-ignore lint/performance/noImgElement: a blob: URL of bytes we already hold */}
            <img src={shot.src} alt={`Screenshot of ${shot.input.url ?? "the given HTML"}`} />
          </figure>
          <SameRequest
            input={shot.input}
            client={client}
            captureNeedsKey={setup.keys === "all"}
            signing={setup.signing}
          />
        </div>
      )}
    </section>
  );
}
