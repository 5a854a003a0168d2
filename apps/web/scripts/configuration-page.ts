/**
 * @module `docs/configuration.md`, written from the settings' own descriptions
 * (`src/server/config/*.ts`), so that the page cannot drift from what the server reads.
 * `pnpm --filter @shotcache/web configuration-page` writes it; a test fails when the committed
 * page differs from what this would write.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { SETTINGS_GROUPS } from "../src/server/config/groups";

const ROOT = join(import.meta.dirname, "..", "..", "..");
export const CONFIGURATION_PAGE = join(ROOT, "docs", "configuration.md");

const INTRO = `# Configuration

<!-- Written by \`pnpm --filter @shotcache/web configuration-page\` from apps/web/src/server/config: edit the descriptions there. -->

Environment variables, read once at start-up by the server (\`pnpm start\`, \`next start\`, a serverless
function) and by render workers (\`pnpm worker\`). A bad value stops start-up, naming the variable.
Nothing is required: with no variable set, the server runs on its embedded defaults (an in-memory
cache, a local Chromium, no keys).`;

const OUTRO = `To try Upstash mode locally, run the Upstash REST bridge (it starts a private redis-server and
prints the variables to set): \`pnpm --filter @shotcache/testkit upstash-bridge\`.`;

/** A schema's default as the table shows it: the value, or the words its description gives. */
function shownDefault(schema: z.ZodType): string {
  const shown = schema.meta()?.shownDefault;
  if (shown) return shown;
  let inner: z.ZodType = schema;
  // A parsed value (`commaList`…) keeps its default on the string it parses.
  while (inner instanceof z.ZodPipe) inner = inner.in as z.ZodType;
  if (!(inner instanceof z.ZodDefault)) return "";
  const value: unknown = inner.def.defaultValue;
  if (value === "") return "";
  return typeof value === "string" || typeof value === "boolean" ? `\`${value}\`` : String(value);
}

const cell = (text: string) => text.replaceAll("|", "\\|");

function groupSection(group: (typeof SETTINGS_GROUPS)[number]): string {
  const rows = Object.entries(group.variables.shape).map(([name, schema]) => {
    const description = (schema as z.ZodType).meta()?.description ?? "";
    return `| \`${name}\` | ${cell(shownDefault(schema as z.ZodType))} | ${cell(description)} |`;
  });
  const about = "about" in group ? [group.about, ""] : [];
  return [
    `## ${group.title}`,
    "",
    ...about,
    "| variable | default | what it sets |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** The page as the linter formats Markdown, so that `pnpm lint` leaves it as written. */
export function configurationPage(): string {
  const text = [INTRO, ...SETTINGS_GROUPS.map(groupSection), OUTRO].join("\n\n");
  return execFileSync(
    join(ROOT, "node_modules", ".bin", "biome"),
    ["format", `--stdin-file-path=${CONFIGURATION_PAGE}`],
    { cwd: ROOT, input: `${text}\n`, encoding: "utf8" },
  );
}

if (process.argv[2] === "write") {
  writeFileSync(CONFIGURATION_PAGE, configurationPage());
  console.log(`wrote ${CONFIGURATION_PAGE}`);
}
