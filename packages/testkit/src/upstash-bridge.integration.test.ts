import { Ratelimit } from "@upstash/ratelimit";
import { Redis, type RedisConfigNodejs } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { availableOrSkip } from "./available-or-skip";
import { type RedisBackends, startRedisBackends } from "./redis-backends";
import { findRedisServer, type RedisServer } from "./redis-server";
import type { RespConnection } from "./resp-connection";
import type { UpstashBridge } from "./upstash-bridge";

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));

// The conformance cases of the Upstash REST reference (§4), against the real @upstash/redis client.
describe.skipIf(!redisAvailable)("Upstash REST bridge", () => {
  let server: RedisServer;
  let bridge: UpstashBridge;
  let raw: RespConnection;
  let n = 0;
  const key = (name: string) => `conformance:${++n}:${name}`;
  const client = (options: Partial<RedisConfigNodejs> = {}) =>
    new Redis({
      url: bridge.url,
      token: bridge.token,
      retry: false,
      enableTelemetry: false,
      ...options,
    });
  /** Auto-pipelining's count of HTTP requests sent (exposed by the client's proxy, not typed). */
  const pipelines = (redis: Redis) =>
    (redis as unknown as { pipelineCounter: number }).pipelineCounter;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${bridge.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${bridge.token}`, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  // biome-ignore lint/suspicious/noExplicitAny: protocol bodies are checked field by field below
  const json = async (response: Response | Promise<Response>): Promise<any> =>
    (await response).json();

  let backends: RedisBackends;
  beforeAll(async () => {
    backends = await startRedisBackends();
    ({ server, bridge, raw } = backends);
  });
  afterAll(() => backends?.close());

  it("1: set, get, get of a missing key", async () => {
    const redis = client();
    const k = key("hello");
    expect(await redis.set(k, "hello")).toBe("OK");
    expect(await redis.get(k)).toBe("hello");
    expect(await redis.get(key("missing"))).toBeNull();
  });

  it("2: strings round-trip exactly, with and without base64 responses", async () => {
    const values = ["T0s=", "OK", "PONG", "null", "true", "0123", "1.0", "12345678901234567890"];
    values.push("héllo ✓ 🎉", "a\0b", "", " ");
    for (const responseEncoding of [undefined, false] as const) {
      const redis = client({ automaticDeserialization: false, responseEncoding });
      for (const value of values) {
        const k = key("exact");
        await redis.set(k, value);
        expect(await redis.get(k)).toBe(value);
      }
    }
  });

  it("3: default deserialization", async () => {
    const redis = client();
    const cases: [string, unknown][] = [
      ["123", 123],
      ["null", null],
      ["true", true],
      ['{"a":1}', { a: 1 }],
      ["1.0", "1.0"],
      ["0123", "0123"],
      ["12345678901234567890", "12345678901234567890"],
    ];
    for (const [stored, expected] of cases) {
      const k = key("deserialize");
      await redis.set(k, stored);
      expect(await redis.get(k)).toEqual(expected);
    }
    const k = key("object");
    await redis.set(k, { a: 1 });
    expect(await client({ automaticDeserialization: false }).get(k)).toBe('{"a":1}');
  });

  it("4: raw PNG bytes arrive exact on the wire; app-level base64 round-trips", async () => {
    const png = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 255, 128]);
    const k = key("png");
    await raw.send([["set", k, png]]);
    const wire = await json(post("/", ["get", k], { "upstash-encoding": "base64" }));
    expect(Buffer.from(wire.result, "base64").equals(png)).toBe(true);
    expect(await client({ automaticDeserialization: false }).get<string>(k)).toContain("\uFFFD");

    const b64 = key("b64");
    const redis = client({ automaticDeserialization: false });
    await redis.set(b64, png.toString("base64"));
    expect(Buffer.from((await redis.get<string>(b64)) ?? "", "base64").equals(png)).toBe(true);
  });

  it("5: a pipeline reports each command's error in place", async () => {
    const [a, b] = [key("a"), key("b")];
    await client().set(b, "not-an-int");
    const response = await post(
      "/pipeline",
      [
        ["set", a, "1"],
        ["incr", b],
        ["get", a],
      ],
      { "upstash-encoding": "base64" },
    );
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual([
      { result: "OK" },
      { error: "ERR value is not an integer or out of range" },
      { result: "MQ==" },
    ]);
    const pipeline = client().pipeline().set(a, "1").incr(b).get(a);
    await expect(pipeline.exec()).rejects.toThrow(/Command 2 \[ incr \] failed/);
    const kept = await client().pipeline().set(a, "1").incr(b).get(a).exec({ keepErrors: true });
    expect(kept[1]?.error).toMatch(/not an integer/);
  });

  it("6: WRONGTYPE through auto-pipelining and through POST /", async () => {
    const k = key("list");
    await client().lpush(k, "x");
    await expect(client().get(k)).rejects.toThrow(/WRONGTYPE/);
    await expect(client({ enableAutoPipelining: false }).get(k)).rejects.toThrow(
      /WRONGTYPE.*command was: \["get"/,
    );
  });

  it("7: multi-exec applies all, reports runtime errors in place, refuses queue errors whole", async () => {
    const redis = client();
    const [k, s] = [key("m"), key("s")];
    expect(await redis.multi().set(k, "1").incr(k).get(k).exec()).toEqual(["OK", 2, 2]);

    await redis.set(s, "text");
    const mixed = await post("/multi-exec", [
      ["incr", s],
      ["set", k, "5"],
    ]);
    expect(await json(mixed)).toEqual([
      { error: "ERR value is not an integer or out of range" },
      { result: "OK" },
    ]);

    const untouched = key("untouched");
    const aborted = await post("/multi-exec", [
      ["set", untouched, "1"],
      ["nosuchcommand", "x"],
    ]);
    expect(aborted.status).toBe(400);
    expect((await json(aborted)).error).toMatch(/unknown command/);
    expect(await redis.get(untouched)).toBeNull();
  });

  it("8: expiry commands", async () => {
    const redis = client();
    const k = key("ttl");
    await redis.set(k, "v", { ex: 100 });
    const ttl = await redis.ttl(k);
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await redis.expire(k, 5)).toBe(1);
    expect(await redis.pttl(k)).toBeLessThanOrEqual(5000);
    expect(await redis.persist(k)).toBe(1);
    expect(await redis.ttl(k)).toBe(-1);
    expect(await redis.ttl(key("none"))).toBe(-2);
    const short = key("px");
    await redis.set(short, "v", { px: 50 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await redis.get(short)).toBeNull();
  });

  it("9: sets, mget, hashes, sorted sets, type, ping, exists, del", async () => {
    const redis = client();
    const [s, h, z, v1] = [key("set"), key("hash"), key("zset"), key("v1")];
    expect(await redis.sadd(s, "a", "b", "OK")).toBe(3);
    expect((await redis.smembers(s)).sort()).toEqual(["OK", "a", "b"]);
    expect(await redis.sismember(s, "OK")).toBe(1);
    await redis.set(v1, "v1");
    expect(await redis.mget(v1, key("gap"))).toEqual(["v1", null]);
    await redis.hset(h, { name: "shot", size: 42 });
    expect(await redis.hgetall(h)).toEqual({ name: "shot", size: 42 });
    expect(await redis.hgetall(key("nohash"))).toBeNull();
    await redis.zadd(z, { score: 1.5, member: "a" }, { score: 2, member: "b" });
    expect(await redis.zrange(z, 0, -1, { withScores: true })).toEqual(["a", 1.5, "b", 2]);
    expect(await redis.type(s)).toBe("set");
    expect(await redis.ping()).toBe("PONG");
    expect(await redis.exists(s, h, key("nothing"))).toBe(2);
    expect(await redis.del(s, h)).toBe(2);
  });

  it("10: a SCAN loop sees every key", async () => {
    const redis = client();
    const prefix = key("scan");
    await Promise.all(Array.from({ length: 25 }, (_, i) => redis.set(`${prefix}:${i}`, i)));
    const seen = new Set<string>();
    let cursor: string | number = 0;
    do {
      const [next, keys]: [string, string[]] = await redis.scan(cursor, {
        match: `${prefix}:*`,
        count: 7,
      });
      expect(typeof next).toBe("string");
      for (const found of keys) seen.add(found);
      cursor = next;
    } while (cursor !== "0");
    expect(seen.size).toBe(25);
  });

  it("11: scripts, NOSCRIPT fallback, evalsha, and script errors", async () => {
    const redis = client();
    const k = key("script");
    const script = redis.createScript<unknown[]>("return {KEYS[1],ARGV[1],42,{'OK','x'}}");
    expect(await script.exec([k], ["arg"])).toEqual([k, "arg", 42, ["OK", "x"]]);
    expect(await redis.evalsha(script.sha1, [k], ["again"])).toEqual([k, "again", 42, ["OK", "x"]]);
    await expect(redis.eval("return redis.call('nosuch')", [], [])).rejects.toThrow(
      /Unknown Redis command/i,
    );
  });

  it("12: @upstash/ratelimit works (scripts declaring allow-key-locking)", async () => {
    const redis = client();
    const fixed = new Ratelimit({
      redis,
      limiter: Ratelimit.fixedWindow(2, "10 s"),
      prefix: key("rl"),
    });
    const fixedResults = [];
    for (let i = 0; i < 3; i++) fixedResults.push((await fixed.limit("user")).success);
    expect(fixedResults).toEqual([true, true, false]);
    const sliding = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(1, "10 s"),
      prefix: key("sw"),
    });
    expect([(await sliding.limit("u")).success, (await sliding.limit("u")).success]).toEqual([
      true,
      false,
    ]);
  });

  it("13: a 5 MiB value round-trips", async () => {
    const redis = client({ automaticDeserialization: false });
    const k = key("big");
    const value = "x".repeat(5 * 1024 * 1024);
    await redis.set(k, value);
    expect(await redis.get(k)).toBe(value);
    expect(await redis.strlen(k)).toBe(value.length);
  });

  it("14: a wrong token is refused", async () => {
    const wrong = new Redis({
      url: bridge.url,
      token: "wrong",
      retry: false,
      enableTelemetry: false,
    });
    await expect(wrong.get("x")).rejects.toThrow(/WRONGPASS/);
    const response = await fetch(`${bridge.url}/pipeline`, { method: "POST", body: "[]" });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({ error: "WRONGPASS invalid or missing auth token" });
  });

  it("15: auto-pipelining batches concurrent commands; sync token; plain PONG", async () => {
    const redis = client();
    const prefix = key("auto");
    const before = pipelines(redis);
    await Promise.all(Array.from({ length: 50 }, (_, i) => redis.set(`${prefix}:${i}`, i)));
    await Promise.all(Array.from({ length: 50 }, (_, i) => redis.get(`${prefix}:${i}`)));
    expect(pipelines(redis) - before).toBe(2);
    const response = await post("/", ["ping"]);
    expect(response.headers.get("upstash-sync-token")).toMatch(/^\d+$/);
    expect(await json(response)).toEqual({ result: "PONG" });
  });

  it("16: numbers and booleans as arguments", async () => {
    const redis = client({ automaticDeserialization: false });
    const [f, b] = [key("float"), key("bool")];
    await redis.set(f, 1.5);
    await redis.incrbyfloat(f, 1);
    expect(await redis.get(f)).toBe("2.5");
    await redis.set(b, true);
    expect(await redis.get(b)).toBe("true");
  });

  it("refuses malformed bodies, refused commands and oversized requests with JSON errors", async () => {
    for (const [path, body] of [
      ["/pipeline", []],
      ["/multi-exec", []],
      ["/", "{not json"],
      ["/", [42]],
      ["/", ["select", "1"]],
      ["/", ["blpop", "k", "0"]],
      ["/", ["xread", "BLOCK", "0", "STREAMS", "s", "$"]],
    ] as const) {
      const response = await post(path, body);
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(typeof (await json(response)).error).toBe("string");
    }
    const entries = await json(post("/pipeline", [["ping"], ["subscribe", "c"]]));
    expect(entries[0]).toEqual({ result: "PONG" });
    expect(entries[1].error).toMatch(/not allowed/);
    const huge = await post("/", ["set", key("huge"), "x".repeat(10_000_000)]);
    expect(huge.status).toBe(400);
    expect(await json(huge)).toEqual({ error: "ERR max request size exceeded" });
  });

  it("keeps per-request order under concurrency, and big integers", async () => {
    const redis = client();
    const counter = key("counter");
    await Promise.all(Array.from({ length: 100 }, () => redis.incr(counter)));
    expect(await redis.get(counter)).toBe(100);
    const big = key("big-int");
    expect(await redis.incrby(big, 2 ** 40)).toBe(2 ** 40);
  });

  it("answers 5xx JSON when Redis is down, and recovers when it is back", async () => {
    const redis = client();
    await server.stop();
    await expect(redis.get(key("down"))).rejects.toThrow();
    const response = await post("/", ["ping"]);
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(typeof (await json(response)).error).toBe("string");
    await server.restart();
    expect(await redis.ping()).toBe("PONG");
  });
});
