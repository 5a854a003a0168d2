import { z } from "zod";

const booleanText = z.enum(["true", "false"]).transform((text) => text === "true");

/** Every variable the server reads, validated once; a bad value stops start-up, naming it. */
const envSchema = z.object({
  /** Let captures reach loopback and private networks (tests, local development). */
  SHOTCACHE_ALLOW_PRIVATE_NETWORKS: booleanText.default(false),
  /** Byte cap of the in-memory cache. */
  SHOTCACHE_MEMORY_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  /** Longest wait for a page to load, in ms. */
  SHOTCACHE_NAVIGATION_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Browser executable; found automatically when unset. */
  CHROME_PATH: z.string().min(1).optional(),
  PUPPETEER_EXECUTABLE_PATH: z.string().min(1).optional(),
});

export type ServerEnv = z.output<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function parseServerEnv(env: NodeJS.ProcessEnv): ServerEnv {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
}
