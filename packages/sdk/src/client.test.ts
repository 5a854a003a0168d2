import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShotcacheClient } from "./client";
import { isShotcacheError } from "./errors";

/** The transport failures every method turns into a ShotcacheError, against loopback servers. */
describe("client transport errors", () => {
  let silent: Server;
  let silentOrigin: string;
  let closedOrigin: string;

  beforeAll(async () => {
    // Accepts requests and never answers them.
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentOrigin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    // A port that was just free: nothing listens there any more.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    closedOrigin = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
  });
  afterAll(() => {
    silent.closeAllConnections();
    return new Promise((resolve) => silent.close(resolve));
  });

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => "resolved",
      (error) => (isShotcacheError(error) ? error.code : `not a ShotcacheError: ${error}`),
    );

  it("names a refused connection NETWORK_ERROR, on every method", async () => {
    const client = createShotcacheClient({ baseUrl: closedOrigin, retry: false });
    expect(await codeOf(client.capture({ url: "http://127.0.0.1/" }))).toBe("NETWORK_ERROR");
    expect(await codeOf(client.purge({ url: "http://127.0.0.1/" }))).toBe("NETWORK_ERROR");
    expect(await codeOf(client.inspect({ url: "http://127.0.0.1/" }))).toBe("NETWORK_ERROR");
    expect(await codeOf(client.stats())).toBe("NETWORK_ERROR");
    expect(await codeOf(client.health())).toBe("NETWORK_ERROR");
  });

  it("names an exchange past its timeout TIMEOUT, and one the caller abandons ABORTED", async () => {
    const client = createShotcacheClient({ baseUrl: silentOrigin, retry: false, timeout: 100 });
    expect(await codeOf(client.capture({ url: "http://127.0.0.1/" }))).toBe("TIMEOUT");
    const patient = createShotcacheClient({ baseUrl: silentOrigin, retry: false });
    const controller = new AbortController();
    const abandoned = codeOf(patient.stats({}, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect(await abandoned).toBe("ABORTED");
  });
});
