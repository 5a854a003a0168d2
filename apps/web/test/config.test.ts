import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/server/config";

const errorOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return "";
};

describe("the server's configuration", () => {
  it("runs on embedded defaults with nothing set", () => {
    const config = loadConfig({});
    expect(config.store.kind).toBe("memory");
    expect(config.network.allowsPrivateNetworks).toBe(false);
    expect(config.cache.policy.ttlPolicy.rules.length).toBeGreaterThan(0);
  });

  it("chooses Upstash, then Redis, from the variables that are set, unless told", () => {
    const upstash = {
      UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io",
      UPSTASH_REDIS_REST_TOKEN: "t",
    };
    const redis = { REDIS_URL: "redis://127.0.0.1:6390" };
    expect(loadConfig({ ...upstash, ...redis }).store.kind).toBe("upstash");
    expect(loadConfig(redis).store.kind).toBe("redis");
    expect(loadConfig({ ...upstash, ...redis, SHOTCACHE_STORE: "redis" }).store.kind).toBe("redis");
    expect(loadConfig({ ...redis, SHOTCACHE_STORE: "memory" }).store.kind).toBe("memory");
  });

  it.each([
    [{ SHOTCACHE_STORE: "redis" }, "REDIS_URL"],
    [
      { SHOTCACHE_STORE: "upstash", UPSTASH_REDIS_REST_URL: "https://x.test" },
      "UPSTASH_REDIS_REST_TOKEN",
    ],
    [{ UPSTASH_REDIS_REST_TOKEN: "t" }, "UPSTASH_REDIS_REST_URL"],
    [{ REDIS_URL: "http://127.0.0.1:6379" }, "REDIS_URL"],
    [{ SHOTCACHE_STORE: "postgres" }, "SHOTCACHE_STORE"],
    [{ SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "yes" }, "SHOTCACHE_ALLOW_PRIVATE_NETWORKS"],
    [{ SHOTCACHE_MEMORY_MAX_BYTES: "lots" }, "SHOTCACHE_MEMORY_MAX_BYTES"],
    [{ SHOTCACHE_TTL_RULES: "[{" }, "SHOTCACHE_TTL_RULES"],
    [{ SHOTCACHE_TTL_RULES: '[{"pattern":"(","ttl":5}]' }, "SHOTCACHE_TTL_RULES"],
    [{ SHOTCACHE_MAX_TTL_SECONDS: "0" }, "SHOTCACHE_MAX_TTL_SECONDS"],
    [{ SHOTCACHE_ALLOWED_TARGETS: "10.0.0.0/8, not a host!" }, "SHOTCACHE_ALLOWED_TARGETS"],
    [{ SHOTCACHE_RENDER_CONCURRENCY: "0" }, "SHOTCACHE_RENDER_CONCURRENCY"],
    [{ SHOTCACHE_API_KEYS: "long-enough-key-000000,short" }, "SHOTCACHE_API_KEYS"],
    [{ SHOTCACHE_API_KEYS: "long-enough-key-000000:admin" }, 'unknown scope "admin"'],
    [{ SHOTCACHE_API_KEYS: "sha256:0123" }, "64 hex digits"],
    [{ SHOTCACHE_CAPTURE_REQUIRES_KEY: "true" }, "SHOTCACHE_API_KEYS"],
    [{ SHOTCACHE_TRUSTED_PROXIES: "10.0.0.0/8, proxy.internal" }, "SHOTCACHE_TRUSTED_PROXIES"],
    [{ SHOTCACHE_TRUSTED_PROXIES: "-1" }, "SHOTCACHE_TRUSTED_PROXIES"],
    [{ SHOTCACHE_LOCAL_CACHE_MAX_BYTES: "-1" }, "SHOTCACHE_LOCAL_CACHE_MAX_BYTES"],
    [{ SHOTCACHE_CDN_PURGE: "akamai:x" }, "SHOTCACHE_CDN_PURGE"],
    [{ SHOTCACHE_TRUSTED_CERTIFICATES: "not-a-digest" }, "SHOTCACHE_TRUSTED_CERTIFICATES"],
    [{ SHOTCACHE_AD_FILTER_LISTS: "/nonexistent/easylist.txt" }, "/nonexistent/easylist.txt"],
    [{ SHOTCACHE_CDN_PURGE: "xkey:ftp://cache.internal/" }, "SHOTCACHE_CDN_PURGE"],
  ])("refuses %j, naming %s", (env, variable) => {
    expect(errorOf(env)).toContain(variable);
  });

  it("reads the ad filter lists it is given, once, at start", () => {
    const dir = mkdtempSync(join(tmpdir(), "shotcache-env-"));
    try {
      const [one, two] = [join(dir, "one.txt"), join(dir, "two.txt")];
      writeFileSync(one, "##.sponsor-box\n");
      writeFileSync(two, "||ads.example^\n");
      const config = loadConfig({ SHOTCACHE_AD_FILTER_LISTS: `${one}, ${two}` });
      expect(config.render.adFilterLists).toEqual(["##.sponsor-box\n", "||ads.example^\n"]);
      expect(loadConfig({}).render.adFilterLists).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads scoped keys and digests, and never shows a refused key in its message", () => {
    const { keys } = loadConfig({
      SHOTCACHE_API_KEYS: `long-enough-key-000000:read+purge, sha256:${"ab".repeat(32)}`,
    }).access;
    expect(keys.map((key) => [...key.scopes])).toEqual([
      ["read", "purge"],
      ["capture", "read", "purge", "sign"],
    ]);
    expect(errorOf({ SHOTCACHE_API_KEYS: "secret-but-too:short" })).not.toContain("secret");
  });

  it("trusts no proxy by default, or the hops or ranges it is given", () => {
    const trustedProxiesOf = (text?: string) =>
      loadConfig(text === undefined ? {} : { SHOTCACHE_TRUSTED_PROXIES: text }).access
        .trustedProxies;
    expect(trustedProxiesOf()).toBe(0);
    expect(trustedProxiesOf("2")).toBe(2);
    const ranges = trustedProxiesOf("10.0.0.0/8, loopback,fd00::/8");
    expect(ranges).toEqual(["10.0.0.0/8", "loopback", "fd00::/8"]);
  });

  it("puts custom TTL rules before the built-in ones", () => {
    const config = loadConfig({ SHOTCACHE_TTL_RULES: '[{"pattern":"^/news/","ttl":120}]' });
    const { rules } = config.cache.policy.ttlPolicy;
    expect(rules[0]).toEqual({ pathPattern: /^\/news\//, ttlSeconds: 120 });
    expect(rules.length).toBeGreaterThan(1);
  });

  it("needs the endpoint of a remote browser, and takes only DevTools schemes for it", () => {
    expect(errorOf({ SHOTCACHE_BROWSER: "remote" })).toMatch(/SHOTCACHE_BROWSER_URL: is required/);
    const remote = { SHOTCACHE_BROWSER: "remote" };
    for (const url of ["ws://127.0.0.1:9222/devtools/browser/x", "wss://b.test?token=t"]) {
      expect(loadConfig({ ...remote, SHOTCACHE_BROWSER_URL: url }).browser.remoteUrl).toBe(url);
    }
    expect(errorOf({ ...remote, SHOTCACHE_BROWSER_URL: "ftp://b.test" })).toContain(
      "SHOTCACHE_BROWSER_URL",
    );
    expect(errorOf({ SHOTCACHE_BROWSER: "elsewhere" })).toContain("SHOTCACHE_BROWSER");
  });

  it("keeps images in a bucket only when one is named, and refuses its options without it", () => {
    expect(loadConfig({}).store.objects).toBeUndefined();
    const objects = { SHOTCACHE_OBJECT_STORE: "s3://shots/cache" };
    expect(loadConfig(objects).store.objects).toEqual({
      location: "s3://shots/cache",
      endpoint: undefined,
      region: "us-east-1",
      minBytes: 16 * 1024,
      redirect: false,
    });
    const custom = {
      ...objects,
      SHOTCACHE_S3_ENDPOINT: "http://127.0.0.1:9000",
      SHOTCACHE_OBJECT_MIN_BYTES: "0",
      SHOTCACHE_OBJECT_REDIRECT: "true",
    };
    expect(loadConfig(custom).store.objects).toMatchObject({ minBytes: 0, redirect: true });
    const regions = { AWS_DEFAULT_REGION: "eu-west-3" };
    expect(loadConfig({ ...objects, ...regions }).store.objects?.region).toBe("eu-west-3");
    const both = { ...regions, AWS_REGION: "ap-south-1" };
    expect(loadConfig({ ...objects, ...both }).store.objects?.region).toBe("ap-south-1");
    expect(errorOf({ SHOTCACHE_OBJECT_STORE: "https://shots" })).toContain(
      "SHOTCACHE_OBJECT_STORE: must be s3://bucket or s3://bucket/prefix",
    );
    for (const variable of ["SHOTCACHE_S3_ENDPOINT", "SHOTCACHE_OBJECT_REDIRECT"]) {
      const value = variable === "SHOTCACHE_S3_ENDPOINT" ? "http://127.0.0.1:9000" : "true";
      expect(errorOf({ [variable]: value })).toContain(`${variable}: needs SHOTCACHE_OBJECT_STORE`);
    }
    expect(errorOf({ ...objects, SHOTCACHE_OBJECT_REDIRECT: "yes" })).toContain(
      "SHOTCACHE_OBJECT_REDIRECT",
    );
  });

  it("runs Chromium in its sandbox unless told not to, and takes only true or false for it", () => {
    expect(loadConfig({}).browser.sandbox).toBeUndefined();
    expect(loadConfig({ SHOTCACHE_BROWSER_SANDBOX: "false" }).browser.sandbox).toBe(false);
    expect(loadConfig({ SHOTCACHE_BROWSER_SANDBOX: "true" }).browser.sandbox).toBe(true);
    expect(errorOf({ SHOTCACHE_BROWSER_SANDBOX: "no" })).toContain("SHOTCACHE_BROWSER_SANDBOX");
  });

  it("knows a serverless host by its variables: no contexts kept ready there unless asked", () => {
    expect(loadConfig({}).browser.serverlessHost).toBeUndefined();
    expect(loadConfig({}).render.readyContexts).toBeUndefined();
    for (const name of ["VERCEL", "AWS_LAMBDA_FUNCTION_NAME", "NETLIFY"]) {
      const config = loadConfig({ [name]: "1" });
      expect([config.browser.serverlessHost, config.render.readyContexts]).toEqual([name, 0]);
    }
    const asked = loadConfig({ VERCEL: "1", SHOTCACHE_READY_CONTEXTS: "2" });
    expect(asked.render.readyContexts).toBe(2);
  });

  it("takes a cron secret of 16 characters or more", () => {
    expect(errorOf({ CRON_SECRET: "short" })).toContain("CRON_SECRET");
    expect(loadConfig({ CRON_SECRET: "c".repeat(16) }).access.cronSecret).toBe("c".repeat(16));
  });
});
