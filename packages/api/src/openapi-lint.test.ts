import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext } from "../test/test-support";
import { fetchHandler } from "./rest/fetch-adapter";
import { handleOpenApi } from "./rest/routes";

const run = promisify(execFile);
const REDOCLY = fileURLToPath(new URL("../node_modules/.bin/redocly", import.meta.url));
// Quoted: a YAML 1.1 reader takes a bare `off` for false, and Redocly compares with "off".
const CONFIG = 'extends:\n  - recommended\ntelemetry: "off"\n';
const TIMEOUT_MS = 60_000;

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: {
    ruleId: string;
    severity: string;
    message: string;
    location: { pointer: string }[];
  }[];
}

/** The document exactly as `GET /api/openapi.json` serves it. */
async function servedDocument(): Promise<Record<string, unknown>> {
  const { context } = createTestContext();
  const serve = fetchHandler(handleOpenApi, () => context);
  const response = await serve(new Request("http://shotcache.test/api/openapi.json"));
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("the served OpenAPI document", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "shotcache-openapi-lint-"));
    await writeFile(join(dir, "redocly.yaml"), CONFIG);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /**
   * `redocly lint` with only the config above. It must not reach the network: telemetry and the
   * update check are off, and HOME and the working directory are the temp dir, so no `.env`,
   * `redocly.yaml` or Redocly login from elsewhere is read.
   */
  async function lint(document: unknown): Promise<LintReport> {
    await writeFile(join(dir, "openapi.json"), JSON.stringify(document));
    const args = ["lint", "openapi.json", "--config", "redocly.yaml", "--lint-config", "error"];
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      CI: "true",
      REDOCLY_TELEMETRY: "off",
      REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
      REDOCLY_SUPPRESS_NOTIFICATIONS: "true",
    };
    // Exit code 1 means problems were found: the report is on stdout either way.
    const { stdout, stderr } = await run(REDOCLY, [...args, "--format", "json"], {
      cwd: dir,
      env,
    }).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? "",
      stderr: error.stderr ?? String(error),
    }));
    try {
      return JSON.parse(stdout);
    } catch {
      throw new Error(`redocly gave no report:\n${stderr}`);
    }
  }

  const errorsOf = (report: LintReport) =>
    report.problems
      .filter((problem) => problem.severity === "error")
      .map(({ ruleId, message, location }) => `${ruleId} at ${location[0]?.pointer}: ${message}`);

  it(
    "passes Redocly's recommended rules",
    async () => {
      const report = await lint(await servedDocument());
      expect(errorsOf(report)).toEqual([]);
      expect(report.totals.errors).toBe(0);
    },
    TIMEOUT_MS,
  );

  // Proves the check above can fail: the linter really runs these rules on the file given.
  it(
    "would be refused without its servers",
    async () => {
      const { servers: _servers, ...document } = await servedDocument();
      const report = await lint(document);
      expect(errorsOf(report)).toEqual([expect.stringMatching(/^no-empty-servers /)]);
    },
    TIMEOUT_MS,
  );
});
