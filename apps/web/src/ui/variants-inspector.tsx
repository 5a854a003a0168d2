"use client";

import type { ShotcacheClient } from "@shotcache/sdk";
import { type FormEvent, useState } from "react";
import { DataTable } from "./data-table";
import { formatBytes, formatTime } from "./format";
import { type Problem, problemFrom } from "./use-shotcache";

type Variant = Awaited<ReturnType<ShotcacheClient["inspect"]>>[number];

/** Looks up every cached variant of one URL: key, type, size, age, freshness left. */
export function VariantsInspector({ client }: { client: ShotcacheClient }) {
  const [url, setUrl] = useState("");
  const [variants, setVariants] = useState<{ url: string; list: Variant[] }>();
  const [problem, setProblem] = useState<Problem>();

  async function inspect(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    try {
      const list = await client.inspect({ url: url.trim() });
      setVariants({ url: url.trim(), list });
    } catch (error) {
      setVariants(undefined);
      setProblem(problemFrom(error));
    }
  }

  return (
    <section aria-labelledby="inspect-title">
      <h2 id="inspect-title">Cached variants of a URL</h2>
      <form className="inline-form" onSubmit={inspect} noValidate>
        <label htmlFor="inspect-url">URL to inspect</label>
        <input
          id="inspect-url"
          type="text"
          inputMode="url"
          placeholder="https://example.com"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          aria-describedby={problem?.fields.url ? "inspect-url-error" : undefined}
        />
        <button type="submit">Inspect</button>
        {problem && (
          <span id="inspect-url-error" className="field-error" role="alert">
            {problem.fields.url ?? problem.message}
          </span>
        )}
      </form>
      {variants && (
        <DataTable
          label="Variants table"
          testId="variants"
          columns={["Key", "Type", "Size", "Age", "Fresh for", "Captured"]}
          caption={`${variants.list.length} cached variant${variants.list.length === 1 ? "" : "s"} of ${variants.url}`}
        >
          {variants.list.map((variant) => (
            <tr key={variant.key}>
              <td className="mono">{variant.key}</td>
              <td>{variant.contentType}</td>
              <td>{formatBytes(variant.size)}</td>
              <td>{variant.ageSeconds} s</td>
              <td>{variant.ttlSeconds} s</td>
              <td>{formatTime(variant.capturedAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
