"use client";

import { type CacheStats, ShotcacheError } from "@shotcache/sdk";
import { useCallback, useEffect, useRef, useState } from "react";
import type { PageSetup } from "../server/page-setup";
import { ApiKeyField } from "./api-key-field";
import { formatBytes, formatPercent, formatQuantile, formatTime } from "./format";
import { HourlyChart } from "./hourly-chart";
import { TableScroll } from "./table-scroll";
import { useShotcache } from "./use-shotcache";
import { VariantsInspector } from "./variants-inspector";

/** How often the figures are read again while the page is visible. */
export const REFRESH_MS = 5_000;

/**
 * Hit rate over hourly buckets, by the server's rule (from cache / all but bypasses): the server
 * reports it per bucket and overall, not over a range of buckets.
 */
function hitRateOf(hours: CacheStats["hourly"]): number {
  let fromCache = 0;
  let usingCache = 0;
  for (const hour of hours) {
    fromCache += hour.hits + hour.stale;
    usingCache += hour.requests - hour.bypasses;
  }
  return usingCache === 0 ? 0 : fromCache / usingCache;
}

/** Hit rate, traffic by cache status, latency, storage and purges, refreshed on its own. */
export function Dashboard({ setup }: { setup: PageSetup }) {
  const { client, apiKey, setApiKey, keyRead } = useShotcache();
  const [stats, setStats] = useState<CacheStats>();
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
      const read = await client.stats({ hours: 24 });
      if (call !== latestCall.current) return;
      setStats(read);
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

  const last24 = stats ? stats.hourly.reduce((sum, hour) => sum + hour.requests, 0) : 0;

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
              <dd className="hint">{formatPercent(hitRateOf(stats.hourly))} in 24 h</dd>
            </div>
            <div>
              <dt>Requests</dt>
              <dd data-testid="requests">{stats.requests.toLocaleString("en")}</dd>
              <dd className="hint">{last24.toLocaleString("en")} in 24 h</dd>
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
          </dl>

          <section aria-labelledby="traffic-title">
            <h2 id="traffic-title">Traffic</h2>
            <HourlyChart hourly={stats.hourly} />
          </section>

          <section aria-labelledby="latency-title">
            <h2 id="latency-title">Latency by cache status</h2>
            <TableScroll label="Latency table">
              <table data-testid="latency">
                <thead>
                  <tr>
                    <th scope="col">Status</th>
                    <th scope="col">Requests</th>
                    <th scope="col">p50</th>
                    <th scope="col">p95</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(stats.latencyMs).map(([status, latency]) => (
                    <tr key={status} data-status={status}>
                      <th scope="row">{status}</th>
                      <td>{latency.count.toLocaleString("en")}</td>
                      <td>{formatQuantile(latency.p50, latency.count, setup.latencyCapMs)}</td>
                      <td>{formatQuantile(latency.p95, latency.count, setup.latencyCapMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>

          <section aria-labelledby="purges-title">
            <h2 id="purges-title">Recent purges</h2>
            {stats.recentPurges.length === 0 ? (
              <p>No purges yet.</p>
            ) : (
              <TableScroll label="Purges table">
                <table data-testid="recent-purges">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">URL</th>
                      <th scope="col">Scope</th>
                      <th scope="col">Removed</th>
                    </tr>
                  </thead>
                  <tbody>
                    {stats.recentPurges.map((purge, index) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: purges have no id; the list is replaced whole
                      <tr key={index}>
                        <td>{formatTime(purge.at)}</td>
                        <td className="mono">{purge.url}</td>
                        <td>{purge.scope === "url" ? "every variant" : "one variant"}</td>
                        <td>{purge.purged}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
          </section>
        </>
      )}

      <VariantsInspector client={client} />
    </div>
  );
}
