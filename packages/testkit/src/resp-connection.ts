/// <reference path="./redis-parser.d.ts" />
import { connect, type Socket } from "node:net";
import Parser from "redis-parser";

/**
 * A RESP2 reply as the bridge needs it: strings stay bytes (simple and bulk alike), integers are
 * numbers, nil is null, an error reply is an Error whose message is Redis's text verbatim.
 */
export type RespReply = Buffer | number | null | Error | RespReply[];

export type RespCommand = readonly (string | Buffer)[];

function encodeCommand(command: RespCommand): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${command.length}\r\n`)];
  for (const argument of command) {
    const bytes = typeof argument === "string" ? Buffer.from(argument) : argument;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

interface Waiter {
  reply(value: RespReply): void;
  fail(error: Error): void;
}

/**
 * One persistent RESP2 connection. Each `send` writes all its commands in a single socket write,
 * so the commands of concurrent callers never interleave (a MULTI…EXEC block stays whole), and
 * replies are handed back in order.
 *
 * Written here rather than taken from a client library because the bridge must see replies
 * untransformed and as bytes (ioredis and node-redis reshape some replies, e.g. HGETALL).
 */
export class RespConnection {
  #socket: Socket | undefined;
  #connecting: Promise<Socket> | undefined;
  /** Callers waiting for replies on each socket, in order: a socket that closes fails only its own. */
  readonly #waiting = new WeakMap<Socket, Waiter[]>();

  constructor(
    readonly port: number,
    readonly host = "127.0.0.1",
  ) {}

  async send(commands: readonly RespCommand[]): Promise<RespReply[]> {
    const socket = await this.#connect();
    return new Promise((resolve, reject) => {
      const replies: RespReply[] = [];
      const waiting = this.#waiting.get(socket) ?? [];
      for (let index = 0; index < commands.length; index++) {
        waiting.push({
          reply: (value) => {
            replies.push(value);
            if (replies.length === commands.length) resolve(replies);
          },
          fail: reject,
        });
      }
      socket.write(Buffer.concat(commands.map(encodeCommand)));
    });
  }

  close(): void {
    this.#socket?.destroy();
  }

  #connect(): Promise<Socket> {
    if (this.#socket && !this.#socket.destroyed) return Promise.resolve(this.#socket);
    this.#connecting ??= new Promise<Socket>((resolve, reject) => {
      const socket = connect(this.port, this.host);
      const waiting: Waiter[] = [];
      this.#waiting.set(socket, waiting);
      const parser = new Parser({
        returnBuffers: true,
        returnReply: (reply) => waiting.shift()?.reply(reply as RespReply),
        returnError: (error) => waiting.shift()?.reply(error),
        returnFatalError: (error) => socket.destroy(error),
      });
      socket.setNoDelay(true);
      socket.on("data", (data) => parser.execute(data));
      socket.once("connect", () => {
        this.#socket = socket;
        resolve(socket);
      });
      socket.once("close", () => {
        if (this.#socket === socket) this.#socket = undefined;
        const lost = new Error("connection to Redis lost");
        for (const waiter of waiting.splice(0)) waiter.fail(lost);
        reject(new Error(`cannot connect to Redis at ${this.host}:${this.port}`));
      });
      socket.on("error", () => {}); // reported through "close"
    }).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }
}
