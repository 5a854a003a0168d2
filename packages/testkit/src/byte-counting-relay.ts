import { type AddressInfo, connect, createServer, type Socket } from "node:net";

export interface ByteCountingRelay {
  /** `http://127.0.0.1:PORT`: send a client here instead of to the server. */
  origin: string;
  /** Bytes passed so far, both ways: what crossed the wire. */
  bytes(): number;
  /** Drops every connection under way (a lost network), and keeps accepting new ones. */
  cut(): void;
  close(): void;
}

/** A TCP relay to `port` on loopback that counts every byte it passes, both ways. */
export async function startByteCountingRelay(port: number): Promise<ByteCountingRelay> {
  let bytes = 0;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.once("close", () => open.delete(socket));
    }
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
    cut: () => {
      for (const socket of open) socket.destroy();
    },
    close: () => server.close(),
  };
}
