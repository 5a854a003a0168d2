"use client";

import { type CacheStats, type ShotcacheClient, ShotcacheError } from "@shotcache/sdk";
import { useCallback, useEffect, useRef, useState } from "react";
import type { PageSetup } from "../server/page-setup";
import { ApiKeyField } from "./api-key-field";
import { DataTable } from "./data-table";
import { formatBytes, formatDuration, formatPercent, formatQuantile, formatTime } from "./format";
import { HourlyChart } from "./hourly-chart";
import { useShotcache } from "./use-shotcache";
import { VariantsInspector } from "./variants-inspector";
import { VersionsViewer } from "./versions-viewer";

type Health = Awaited<ReturnType<ShotcacheClient["health"]>>;
type RenderLoad = Health["renders"];
type BrowserSource = NonNullable<Health["browser"]>["source"];

/** What each browser source means, for the tile's hint. */
const BROWSER_SOURCES: Record<BrowserSource, string> = {
  local: "launched by this server",
  remote: "a DevTools endpoint elsewhere",
  serverless: "@sparticuz/chromium in the function",
};

/** How often the figures are read again while the page is visible. */
export const REFRESH_MS = 5_000;

/** Hit rate, traffic by cache status, latency, storage and purges, refreshed on its own. */
export function Dashboard({ setup }: { setup: PageSetup }) {
  const { client, apiKey, setApiKey, keyRead } = useShotcache();
  const [stats, setStats] = useState<CacheStats>();
  const [renders, setRenders] = useState<RenderLoad | null>(null);
  const [browser, setBrowser] = useState<BrowserSource>();
  const [updatedAt, setUpdatedAt] = useState<Date>();
  const [error, setError] = useState("");
  const [autoRefresh, setAutoRefresh] = useState(true);
  // Answers can arrive out of order (a slow read, a new key): only the latest call's counts.
  const latestCall = useRef(0);
  const pending = useRef(false);

  const refresh = useCallback(async () => {
    const call = ++latestCall.current;
    pending.current = true;
    try {
      const [read, health] = await Promise.all([client.stats({ hours: 24 }), client.health()]);
      if (call !== latestCall.current) return;
      setStats(read);
      setRenders(health.renders);
      setBrowser(health.browser?.source);
      setUpdatedAt(new Date());
      setError("");
    } catch (failure) {
      if (call === latestCall.current) setError(ShotcacheError.from(failure).message);
    } finally {
      if (call === latestCall.current) pending.current = false;
    }
  }, [client]);

  useEffect(() => {
    if (!keyRead) return;
    void refresh();
    if (!autoRefresh) return;
    const timer = setInterval(() => {
      // A hidden page, or one still waiting for the last answer, does not ask again.
      if (!document.hidden && !pending.current) void refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh, autoRefresh, keyRead]);

  return (
    <div className="dashboard">
      {setup.keys !== "none" && (
        <ApiKeyField value={apiKey} onChange={setApiKey} needed={setup.keys} />
      )}
      <div className="row refresh">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={autoRefresh}
            onChange={(event) => setAutoRefresh(event.target.checked)}
          />
          Refresh every {REFRESH_MS / 1000} s
        </label>
        <button type="button" onClick={() => refresh()}>
          Refresh now
        </button>
        {/* Not a live region: a change every few seconds would keep screen readers talking. */}
        <span className="hint" data-testid="updated-at">
          {updatedAt ? `Updated ${updatedAt.toLocaleTimeString("en-GB")}` : "Loading…"}
        </span>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}

      {stats && (
        <>
          <dl className="tiles">
            <div>
              <dt>Hit rate</dt>
              <dd data-testid="hit-rate">{formatPercent(stats.hitRate)}</dd>
              <dd className="hint">{formatPercent(stats.hoursTotal.hitRate)} in 24 h</dd>
            </div>
            <div>
              <dt>Requests</dt>
              <dd data-testid="requests">{stats.requests.toLocaleString("en")}</dd>
              <dd className="hint">{stats.hoursTotal.requests.toLocaleString("en")} in 24 h</dd>
            </div>
            <div>
              <dt>Stored entries</dt>
              <dd data-testid="stored-entries">{stats.storage.entries.toLocaleString("en")}</dd>
            </div>
            <div>
              <dt>Stored bytes</dt>
              <dd data-testid="stored-bytes">{formatBytes(stats.storage.bytes)}</dd>
            </div>
            <div>
              <dt>Purges</dt>
              <dd data-testid="purges">{stats.purges.toLocaleString("en")}</dd>
            </div>
            {browser && (
              <div>
                <dt>Browser</dt>
                <dd data-testid="browser-source">{browser}</dd>
                <dd className="hint">{BROWSER_SOURCES[browser]}</dd>
              </div>
            )}
            {renders?.mode === "queue" && (
              <div data-testid="render-queue">
                <dt>Render queue</dt>
                <dd>
                  {renders.waiting} waiting, {renders.running} rendering
                </dd>
                <dd className="hint">
                  {renders.workers} workers, {renders.slots} slots
                </dd>
              </div>
            )}
          </dl>

          <section aria-labelledby="traffic-title">
            <h2 id="traffic-title">Traffic</h2>
            <HourlyChart hourly={stats.hourly} />
          </section>

          <section aria-labelledby="latency-title">
            <h2 id="latency-title">Latency by cache status</h2>
            <DataTable
              label="Latency table"
              testId="latency"
              columns={["Status", "Requests", "p50", "p95"]}
            >
              {Object.entries(stats.latencyMs).map(([status, latency]) => (
                <tr key={status} data-status={status}>
                  <th scope="row">{status}</th>
                  <td>{latency.count.toLocaleString("en")}</td>
                  <td>{formatQuantile(latency.p50, latency.count, setup.latencyCapMs)}</td>
                  <td>{formatQuantile(latency.p95, latency.count, setup.latencyCapMs)}</td>
                </tr>
              ))}
            </DataTable>
          </section>

          <section aria-labelledby="top-urls-title">
            <h2 id="top-urls-title">Most requested URLs</h2>
            {stats.topUrls.length === 0 ? (
              <p>No captures yet.</p>
            ) : (
              <DataTable
                label="Most requested URLs table"
                testId="top-urls"
                columns={["URL", "Requests", "Hit rate", "Renders", "Changes", "Changes every"]}
              >
                {stats.topUrls.map((top) => (
                  <tr key={top.url}>
                    <td className="mono">{top.url}</td>
                    <td>{top.requests.toLocaleString("en")}</td>
                    <td>{formatPercent(top.hitRate)}</td>
                    <td>{top.renders.toLocaleString("en")}</td>
                    <td>{top.changes.toLocaleString("en")}</td>
                    <td>
                      {top.changeIntervalSeconds === null
                        ? "—"
                        : `≈ ${formatDuration(top.changeIntervalSeconds)}`}
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
          </section>

          {stats.keys.length > 0 && (
            <section aria-labelledby="key-usage-title">
              <h2 id="key-usage-title">Usage by API key</h2>
              <DataTable
                label="Usage by API key table"
                testId="key-usage"
                columns={["Key id", "Captures", "Renders"]}
              >
                {stats.keys.map((usage) => (
                  <tr key={usage.key}>
                    <td className="mono">{usage.key}</td>
                    <td>{usage.captures.toLocaleString("en")}</td>
                    <td>{usage.renders.toLocaleString("en")}</td>
                  </tr>
                ))}
              </DataTable>
            </section>
          )}

          <section aria-labelledby="purges-title">
            <h2 id="purges-title">Recent purges</h2>
            {stats.recentPurges.length === 0 ? (
              <p>No purges yet.</p>
            ) : (
              <DataTable
                label="Purges table"
                testId="recent-purges"
                columns={["When", "URL", "Scope", "Removed"]}
              >
                {stats.recentPurges.map((purge, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: purges have no id; the list is replaced whole
                  <tr key={index}>
                    <td>{formatTime(purge.at)}</td>
                    <td className="mono">{purge.url}</td>
                    <td>{purge.scope === "url" ? "every variant" : "one variant"}</td>
                    <td>{purge.purged}</td>
                  </tr>
                ))}
              </DataTable>
            )}
          </section>
        </>
      )}

      <VariantsInspector client={client} />
      <VersionsViewer client={client} apiKey={apiKey} />
    </div>
  );
}
