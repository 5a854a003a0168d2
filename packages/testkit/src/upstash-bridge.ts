import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RespConnection, type RespReply } from "./resp-connection";

/** Upstash's request size limit: 10 MB, as its documentation gives it. */
const MAX_BODY_BYTES = 10_000_000;

/** Commands that would break a shared connection, block it, or that Upstash REST refuses. */
const REFUSED_COMMANDS = new Set([
  ...["subscribe", "psubscribe", "ssubscribe", "monitor"],
  ...["select", "auth", "hello", "reset", "quit", "client"],
  ...["multi", "exec", "discard", "watch", "unwatch"],
  ...["blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin", "bzpopmax", "bzmpop"],
  ...["wait", "waitaof", "shutdown", "debug", "sync", "psync", "replicaof", "slaveof"],
]);

type Argument = string | number | boolean;
type Command = [string, ...Argument[]];

class BridgeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const isArgument = (value: unknown): value is Argument =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean";

function asCommand(value: unknown): Command {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    typeof value[0] !== "string" ||
    !value.every(isArgument)
  ) {
    throw new BridgeError(
      400,
      "ERR a command is a non-empty array of strings, numbers or booleans",
    );
  }
  return value as Command;
}

function asCommandList(value: unknown): Command[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BridgeError(400, "ERR expected a non-empty array of commands");
  }
  return value.map(asCommand);
}

function refusal(command: Command): string | undefined {
  const name = command[0].toLowerCase();
  const blockingRead =
    (name === "xread" || name === "xreadgroup") &&
    command.some((argument) => String(argument).toLowerCase() === "block");
  return REFUSED_COMMANDS.has(name) || blockingRead
    ? `ERR command '${name}' is not allowed`
    : undefined;
}

const sha1 = (text: string | Buffer) => createHash("sha1").update(text).digest("hex");

/**
 * Upstash scripts may declare `allow-key-locking`, a flag Redis 7.0 does not know: it is removed
 * (other flags kept), and the SHA the client knows is mapped to the SHA of what Redis runs.
 */
class ScriptRewriter {
  readonly #shaOf = new Map<string, string>();

  rewrite(script: string): string {
    const match = /^#!lua flags=([^\n]*)\n/.exec(script);
    if (!match?.[1]?.split(",").includes("allow-key-locking")) return script;
    const flags = match[1].split(",").filter((flag) => flag && flag !== "allow-key-locking");
    const body = script.slice(match[0].length);
    const rewritten = flags.length ? `#!lua flags=${flags.join(",")}\n${body}` : body;
    this.#shaOf.set(sha1(script), sha1(rewritten));
    return rewritten;
  }

  sha(clientSha: string): string {
    return this.#shaOf.get(clientSha.toLowerCase()) ?? clientSha;
  }
}

/** Turns a command into what Redis runs, and says how to give the reply back to the client. */
function prepare(
  command: Command,
  scripts: ScriptRewriter,
): { args: (string | Buffer)[]; reply(reply: RespReply): RespReply } {
  const args = command.map((argument) => String(argument));
  const name = args[0]?.toLowerCase();
  const same = (reply: RespReply) => reply;
  if ((name === "eval" || name === "eval_ro") && args[1] !== undefined) {
    args[1] = scripts.rewrite(args[1]);
  } else if ((name === "evalsha" || name === "evalsha_ro") && args[1] !== undefined) {
    args[1] = scripts.sha(args[1]);
  } else if (name === "script" && args[1]?.toLowerCase() === "load" && args[2] !== undefined) {
    const original = args[2];
    args[2] = scripts.rewrite(original);
    return {
      args,
      reply: (reply) => (reply instanceof Error ? reply : Buffer.from(sha1(original))),
    };
  } else if (name === "script" && args[1]?.toLowerCase() === "exists") {
    for (let index = 2; index < args.length; index++) args[index] = scripts.sha(args[index] ?? "");
  }
  return { args, reply: same };
}

const OK = Buffer.from("OK");

/**
 * The reply as JSON, following the rules `@upstash/redis` decodes by (reference §2.5): with
 * base64 on, every string is base64 except a top-level OK; integers are numbers; nil is null.
 */
function encodeReply(reply: RespReply, base64: boolean, top = true): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (reply instanceof Error) return reply.message; // only reached inside arrays from scripts
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, base64, false));
  if (!base64) return reply.toString("utf8");
  return top && reply.equals(OK) ? "OK" : reply.toString("base64");
}

const entry = (reply: RespReply, base64: boolean) =>
  reply instanceof Error ? { error: reply.message } : { result: encodeReply(reply, base64) };

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // An oversized body is still read to its end (and dropped), so the client gets our answer.
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw new BridgeError(400, "ERR max request size exceeded");
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new BridgeError(400, "ERR the body is not valid JSON");
  }
}

export interface UpstashBridge {
  /** `http://127.0.0.1:PORT`, the `url` for `@upstash/redis`. */
  url: string;
  token: string;
  close(): Promise<void>;
}

export interface UpstashBridgeOptions {
  /** Port of the redis-server on 127.0.0.1 to forward to. */
  redisPort: number;
  /** Bearer token clients must send. @default "local-bridge-token" */
  token?: string;
  /** Port to listen on. @default a free one */
  port?: number;
}

/**
 * The Upstash REST protocol (`POST /`, `/pipeline`, `/multi-exec`) in front of a real
 * redis-server, so the real `@upstash/redis` client can be tested and used locally. See
 * `upstash-rest.md` §3 of the project reference for the rules it follows.
 */
export async function startUpstashBridge(options: UpstashBridgeOptions): Promise<UpstashBridge> {
  const token = options.token ?? "local-bridge-token";
  const redis = new RespConnection(options.redisPort);
  const scripts = new ScriptRewriter();
  let syncToken = 0;

  async function handle(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    if (request.headers.authorization !== `Bearer ${token}`) {
      throw new BridgeError(401, "WRONGPASS invalid or missing auth token");
    }
    if (request.method !== "POST") throw new BridgeError(405, "ERR method not allowed");
    const path = new URL(request.url ?? "/", "http://bridge").pathname.replace(/\/+$/, "");
    const base64 = String(request.headers["upstash-encoding"]).toLowerCase() === "base64";
    const body = await readBody(request);

    if (path === "") {
      const command = asCommand(body);
      const refused = refusal(command);
      if (refused) throw new BridgeError(400, refused);
      const { args, reply } = prepare(command, scripts);
      const [raw = null] = await redis.send([args]);
      const result = reply(raw);
      if (result instanceof Error) throw new BridgeError(400, result.message);
      return { status: 200, body: { result: encodeReply(result, base64) } };
    }

    if (path === "/pipeline") {
      const commands = asCommandList(body);
      const prepared = commands.map((command) => ({ command, refused: refusal(command) }));
      const runnable = prepared
        .filter((item) => !item.refused)
        .map(({ command }) => prepare(command, scripts));
      const replies = runnable.length ? await redis.send(runnable.map(({ args }) => args)) : [];
      let next = 0;
      return {
        status: 200,
        body: prepared.map(({ refused }) => {
          if (refused) return { error: refused };
          const index = next++;
          return entry(runnable[index]?.reply(replies[index] ?? null) ?? null, base64);
        }),
      };
    }

    if (path === "/multi-exec") {
      const commands = asCommandList(body);
      const refused = commands.map(refusal).find(Boolean);
      if (refused) throw new BridgeError(400, refused);
      const runnable = commands.map((command) => prepare(command, scripts));
      const replies = await redis.send([["multi"], ...runnable.map(({ args }) => args), ["exec"]]);
      const executed = replies.at(-1);
      if (!Array.isArray(executed)) {
        const queueError = replies.slice(1, -1).find((reply) => reply instanceof Error);
        const message =
          (queueError as Error | undefined)?.message ??
          (executed instanceof Error ? executed.message : "EXECABORT transaction discarded");
        throw new BridgeError(400, message);
      }
      return {
        status: 200,
        body: executed.map((reply, index) => entry(runnable[index]?.reply(reply) ?? reply, base64)),
      };
    }

    throw new BridgeError(404, "ERR unknown path");
  }

  function respond(response: ServerResponse, status: number, body: unknown) {
    response.writeHead(status, {
      "content-type": "application/json",
      "upstash-sync-token": String(++syncToken),
    });
    response.end(JSON.stringify(body));
  }

  const server = createServer((request, response) => {
    handle(request).then(
      ({ status, body }) => respond(response, status, body),
      (error: unknown) => {
        if (error instanceof BridgeError)
          return respond(response, error.status, { error: error.message });
        // Redis unreachable or the connection dropped mid-request.
        respond(response, 503, { error: `ERR ${(error as Error).message}` });
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    close: () =>
      new Promise((resolve, reject) => {
        redis.close();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
