import { type AddressInfo, connect, createServer } from "node:net";

export interface ByteCountingRelay {
  /** `http://127.0.0.1:PORT`: send a client here instead of to the server. */
  origin: string;
  /** Bytes passed so far, both ways: what crossed the wire. */
  bytes(): number;
  close(): void;
}

/** A TCP relay to `port` on loopback that counts every byte it passes, both ways. */
export async function startByteCountingRelay(port: number): Promise<ByteCountingRelay> {
  let bytes = 0;
  const server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on("data", (chunk: Buffer) => {
        bytes += chunk.byteLength;
        to.write(chunk);
      });
      from.on("close", () => to.destroy());
      from.on("error", () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes: () => bytes,
    close: () => server.close(),
  };
}
