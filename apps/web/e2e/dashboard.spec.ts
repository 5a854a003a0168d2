import { expect, type Page, test } from "@playwright/test";
import { appOrigin, fixtureUrl, requestsElsewhere, saveAtBothSizes } from "./support";

const dashboardUrl = () => `${appOrigin()}/dashboard`;
const api = (path: string, init?: RequestInit) => fetch(`${appOrigin()}${path}`, init);
const captureOverRest = async (url: string, width = 1280) => {
  const response = await api(`/api/v1/screenshot?url=${encodeURIComponent(url)}&width=${width}`);
  expect(response.status).toBe(200);
  return response.headers.get("x-cache");
};

/** The figures the dashboard shows, as numbers. */
async function shownFigures(page: Page) {
  const number = async (testId: string) =>
    Number((await page.getByTestId(testId).textContent())?.replaceAll(",", ""));
  const latencyCount = async (status: string) =>
    Number(
      await page
        .getByTestId("latency")
        .locator(`tr[data-status="${status}"] td`)
        .first()
        .textContent(),
    );
  return {
    requests: await number("requests"),
    purges: await number("purges"),
    entries: await number("stored-entries"),
    // All 24 bars: the sum holds even if the hour turns during the test.
    chartRequests: (
      await page
        .getByTestId("hour-bar")
        .evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute("data-requests"))))
    ).reduce((sum, n) => sum + n, 0),
    hits: await latencyCount("HIT"),
    misses: await latencyCount("MISS"),
  };
}

test("shows hit rate, traffic by status, latency, storage and purges, and refreshes on its own", async ({
  page,
}) => {
  await page.goto(dashboardUrl());
  await expect(page.getByTestId("updated-at")).toHaveText(/^Updated /);
  await expect(page.getByTestId("hour-bar")).toHaveCount(24);
  const before = await shownFigures(page);

  const url = fixtureUrl(`/stable?dashboard=${Date.now()}`);
  expect(await captureOverRest(url)).toBe("MISS");
  expect(await captureOverRest(url)).toBe("HIT");
  expect(await captureOverRest(url, 500)).toBe("MISS");
  const purge = await api(`/api/v1/cache?url=${encodeURIComponent(url)}`, { method: "DELETE" });
  expect(await purge.json()).toEqual({ purged: 2, cdn: [] });

  // No click: the page reads the statistics again by itself.
  await expect
    .poll(() => shownFigures(page), { timeout: 15_000 })
    .toEqual({
      ...before,
      requests: before.requests + 3,
      purges: before.purges + 1,
      chartRequests: before.chartRequests + 3,
      hits: before.hits + 1,
      misses: before.misses + 2,
    });
  const firstPurge = page.getByTestId("recent-purges").locator("tbody tr").first();
  await expect(firstPurge).toContainText(url);
  await expect(firstPurge).toContainText("every variant");
  await expect(firstPurge.locator("td").last()).toHaveText("2");

  // The hit rate and storage shown are the server's own figures.
  const stats = await (await api("/api/v1/stats")).json();
  await page.getByRole("button", { name: "Refresh now" }).click();
  await expect(page.getByTestId("hit-rate")).toHaveText(`${(stats.hitRate * 100).toFixed(1)} %`);
  await expect(page.getByTestId("stored-entries")).toHaveText(String(stats.storage.entries));
});

test("lists the most requested URLs with their renders, changes and change interval", async ({
  page,
}, testInfo) => {
  const url = fixtureUrl(`/changing?top=${Date.now()}`);
  for (let i = 0; i < 3; i++) {
    const response = await api(`/api/v1/screenshot?url=${encodeURIComponent(url)}&refresh=true`);
    expect(response.status).toBe(200);
  }
  for (let i = 0; i < 3; i++) expect(await captureOverRest(url)).toBe("HIT");

  await page.goto(dashboardUrl());
  const row = page.getByTestId("top-urls").locator("tbody tr", { hasText: url });
  // URL, requests, hit rate, renders, changes, changes every.
  await expect(row.locator("td")).toHaveText([url, "6", "50.0 %", "3", "2", /^≈ \d+ (s|min)$/]);
  const path = testInfo.outputPath("dashboard-top-urls.png");
  await page.getByTestId("top-urls").screenshot({ path });
  await testInfo.attach("dashboard-top-urls", { path, contentType: "image/png" });
});

test("inspects the cached variants of a URL", async ({ page }) => {
  const url = fixtureUrl(`/stable?inspect=${Date.now()}`);
  await captureOverRest(url, 600);
  await captureOverRest(url, 700);
  await page.goto(dashboardUrl());

  await page.getByLabel("URL to inspect").fill(url);
  await page.getByLabel("URL to inspect").press("Enter");
  const variants = page.getByTestId("variants");
  await expect(variants.locator("caption")).toHaveText(`2 cached variants of ${url}`);
  await expect(variants.locator("tbody tr")).toHaveCount(2);
  await expect(variants.locator("tbody tr").first()).toContainText("image/png");

  await page.getByLabel("URL to inspect").fill("not a url");
  await page.getByRole("button", { name: "Inspect" }).click();
  await expect(page.locator("#inspect-url-error")).toHaveText(
    "must be an absolute http or https URL",
  );
  await expect(variants).toHaveCount(0);
});

test("shows a page's versions with how much each changed, and the diff of two", async ({
  page,
}) => {
  const url = fixtureUrl(`/changing?versions=${Date.now()}`);
  await captureOverRest(url);
  const refreshed = await api(`/api/v1/screenshot?url=${encodeURIComponent(url)}&refresh=true`);
  expect(refreshed.status).toBe(200);
  // The render's version is kept just after its answer.
  const kept = async () =>
    (await (await api(`/api/v1/history?url=${encodeURIComponent(url)}`)).json()).versions.length;
  await expect.poll(kept).toBe(2);
  await page.goto(dashboardUrl());

  await page.getByLabel("URL of the page").fill(url);
  await page.getByRole("button", { name: "Show versions" }).click();
  const versions = page.getByRole("list", { name: "Versions" });
  await expect(versions.getByRole("listitem")).toHaveCount(2);
  await expect(versions.getByTestId("change")).toHaveText([/^\d+\.\d % changed$/, "first"]);
  await expect(versions.getByRole("img")).toHaveCount(2);

  await page.getByRole("button", { name: "Show the diff" }).click();
  await expect(page.getByRole("img", { name: "What changed, in red" })).toBeVisible();
  await expect(page.getByTestId("diff-ratio")).toHaveText(/^\d+\.\d % changed$/);
});

test("talks to no host but the app, and is accessible and saved at desktop and phone sizes", async ({
  page,
}, testInfo) => {
  const elsewhere = requestsElsewhere(page);
  // Some traffic and a purge, so the chart and tables have something to show.
  const url = fixtureUrl(`/stable?sizes=${Date.now()}`);
  await captureOverRest(url);
  await captureOverRest(url);
  await api(`/api/v1/cache?url=${encodeURIComponent(url)}`, { method: "DELETE" });

  await page.goto(dashboardUrl());
  await expect(page.getByTestId("recent-purges")).toBeVisible();
  await saveAtBothSizes(page, testInfo, "dashboard");
  expect(elsewhere).toEqual([]);
});
