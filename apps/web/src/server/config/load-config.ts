/**
 * @module The server's configuration: environment variables parsed once into one typed `Config`
 * of groups (store, cache, access…), each handed whole to the part it configures. A bad value
 * stops start-up with every problem named by its variable.
 */
import { type AccessConfig, accessConfigOf } from "./access";
import { type BrowserConfig, browserConfigOf } from "./browser";
import { type CacheConfig, cacheConfigOf } from "./cache";
import { type CdnConfig, cdnConfigOf } from "./cdn";
import { allVariables, type Variables } from "./groups";
import { type HttpConfig, httpConfigOf } from "./http";
import { type NetworkConfig, networkConfigOf } from "./network";
import { type RenderConfig, renderConfigOf } from "./render";
import { type StoreConfig, storeConfigOf, storeKindOf } from "./store";
import { type WatchesConfig, watchesConfigOf } from "./watches";

export interface Config {
  store: StoreConfig;
  cache: CacheConfig;
  access: AccessConfig;
  network: NetworkConfig;
  render: RenderConfig;
  browser: BrowserConfig;
  watches: WatchesConfig;
  cdn: CdnConfig;
  http: HttpConfig;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Problem = [variable: keyof Variables, message: string];

/** What no single variable can tell: settings that need, or contradict, one another. */
function problemsBetween(variables: Variables): Problem[] {
  const problems: Problem[] = [];
  const store = storeKindOf(variables);
  const need = (variable: keyof Variables) => {
    if (!variables[variable]) problems.push([variable, `is required for the ${store} store`]);
  };
  if (
    store === "upstash" ||
    variables.UPSTASH_REDIS_REST_URL ||
    variables.UPSTASH_REDIS_REST_TOKEN
  ) {
    need("UPSTASH_REDIS_REST_URL");
    need("UPSTASH_REDIS_REST_TOKEN");
  }
  if (store === "redis" && !variables.REDIS_CLUSTER_NODES) need("REDIS_URL");
  for (const variable of ["SHOTCACHE_S3_ENDPOINT", "SHOTCACHE_OBJECT_REDIRECT"] as const) {
    if (variables[variable] && !variables.SHOTCACHE_OBJECT_STORE) {
      problems.push([variable, "needs SHOTCACHE_OBJECT_STORE (the bucket)"]);
    }
  }
  if (variables.SHOTCACHE_BROWSER === "remote" && !variables.SHOTCACHE_BROWSER_URL) {
    problems.push([
      "SHOTCACHE_BROWSER_URL",
      "is required when SHOTCACHE_BROWSER is remote (the browser's DevTools endpoint)",
    ]);
  }
  const hasRedis = variables.REDIS_URL || variables.REDIS_CLUSTER_NODES;
  if (variables.SHOTCACHE_RENDER === "queue" && !hasRedis) {
    problems.push([
      "SHOTCACHE_RENDER",
      "queue needs Redis for its queue: set REDIS_URL or REDIS_CLUSTER_NODES",
    ]);
  }
  if (variables.SHOTCACHE_HEADERS_TIMEOUT_MS > variables.SHOTCACHE_REQUEST_TIMEOUT_MS) {
    problems.push([
      "SHOTCACHE_HEADERS_TIMEOUT_MS",
      "may not be longer than SHOTCACHE_REQUEST_TIMEOUT_MS",
    ]);
  }
  if (variables.SHOTCACHE_ADAPTIVE_TTL_MIN_SECONDS > variables.SHOTCACHE_ADAPTIVE_TTL_MAX_SECONDS) {
    problems.push([
      "SHOTCACHE_ADAPTIVE_TTL_MIN_SECONDS",
      "may not be more than SHOTCACHE_ADAPTIVE_TTL_MAX_SECONDS",
    ]);
  }
  if (variables.SHOTCACHE_CAPTURE_REQUIRES_KEY && variables.SHOTCACHE_API_KEYS.length === 0) {
    problems.push([
      "SHOTCACHE_API_KEYS",
      "is empty, but SHOTCACHE_CAPTURE_REQUIRES_KEY asks for keys",
    ]);
  }
  return problems;
}

/** The groups built from valid variables; building the CDN purgers can still fail on an entry. */
function configOf(variables: Variables, problems: Problem[]): Config | undefined {
  let cdn: CdnConfig | undefined;
  try {
    cdn = cdnConfigOf(variables);
  } catch (error) {
    problems.push(["SHOTCACHE_CDN_PURGE", (error as Error).message]);
  }
  if (!cdn || problems.length > 0) return undefined;
  const browser = browserConfigOf(variables);
  return {
    store: storeConfigOf(variables),
    cache: cacheConfigOf(variables),
    access: accessConfigOf(variables),
    network: networkConfigOf(variables),
    render: renderConfigOf(variables, browser.serverlessHost),
    browser,
    watches: watchesConfigOf(variables),
    cdn,
    http: httpConfigOf(variables),
  };
}

/** Parses an environment (`process.env`, or a test's) into the configuration, or throws. */
export function loadConfig(environment: Readonly<Record<string, string | undefined>>): Config {
  const parsed = allVariables.safeParse(environment);
  const problems: Problem[] = parsed.success
    ? problemsBetween(parsed.data)
    : parsed.error.issues.map((issue) => [issue.path.join(".") as keyof Variables, issue.message]);
  const config = parsed.success ? configOf(parsed.data, problems) : undefined;
  if (config) return config;
  const lines = problems.map(([variable, message]) => `${variable}: ${message}`);
  throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
}
