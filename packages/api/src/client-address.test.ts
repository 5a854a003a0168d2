import { describe, expect, it } from "vitest";
import { clientAddressResolver, DIRECT_CALLERS, rateLimitGroupOf } from "./client-address";
import { clientAddressFrom } from "./rest/fetch-adapter";

describe("the client address", () => {
  it("is the peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(DIRECT_CALLERS("203.0.113.5", "198.51.100.1, 198.51.100.2")).toBe("203.0.113.5");
    expect(clientAddressResolver(0)("10.0.0.9", "198.51.100.1")).toBe("10.0.0.9");
  });

  it.each([
    [1, "198.51.100.2"],
    [2, "198.51.100.1"],
    // More trusted hops than there are: the furthest address given.
    [5, "192.0.2.66"],
  ])("with %i trusted hops, is the first untrusted hop from the right", (hops, expected) => {
    const resolve = clientAddressResolver(hops);
    expect(resolve("10.0.0.1", "192.0.2.66, 198.51.100.1, 198.51.100.2")).toBe(expected);
  });

  it("with trusted ranges, skips every trusted proxy from the right and nothing more", () => {
    const resolve = clientAddressResolver(["10.0.0.0/8", "192.168.1.7"]);
    // Behind two trusted proxies; the caller's own spoofed entry on the left never counts.
    expect(resolve("10.0.0.1", "203.0.113.250, 198.51.100.7, 192.168.1.7")).toBe("198.51.100.7");
    // A peer that is no trusted proxy is the caller itself.
    expect(resolve("203.0.113.9", "198.51.100.7")).toBe("203.0.113.9");
    // No header: the peer.
    expect(resolve("10.0.0.1", undefined)).toBe("10.0.0.1");
  });

  it("names one address one way: IPv4-mapped IPv6 as IPv4, IPv6 compressed", () => {
    expect(DIRECT_CALLERS("::ffff:127.0.0.1", null)).toBe("127.0.0.1");
    expect(DIRECT_CALLERS("2001:0db8:0000:0000:0000:0000:0000:0001", null)).toBe("2001:db8::1");
    expect(clientAddressResolver(1)("10.0.0.1", "::FFFF:198.51.100.3")).toBe("198.51.100.3");
    expect(clientAddressResolver(1)("10.0.0.1", "0177.0.0.01")).toBe("127.0.0.1");
    expect(DIRECT_CALLERS(undefined, null)).toBe("unknown");
  });

  it("refuses a malformed list of trusted proxies", () => {
    expect(() => clientAddressResolver(["10.0.0.0/33"])).toThrow();
    expect(() => clientAddressResolver(["not-an-address"])).toThrow();
  });

  it("as a Fetch host knows it: the last hop is the host's peer, earlier ones as trusted", () => {
    const headers = new Headers({ "x-forwarded-for": "198.51.100.1, 10.0.0.1, 127.0.0.1" });
    expect(clientAddressFrom(headers)).toBe("127.0.0.1");
    expect(clientAddressFrom(headers, clientAddressResolver(1))).toBe("10.0.0.1");
    expect(clientAddressFrom(headers, clientAddressResolver(["127.0.0.1", "10.0.0.0/8"]))).toBe(
      "198.51.100.1",
    );
    expect(clientAddressFrom(new Headers())).toBe("unknown");
  });
});

describe("anonymous rate limits", () => {
  it("count IPv6 callers by their /64 and IPv4 callers by their address", () => {
    expect(rateLimitGroupOf("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(rateLimitGroupOf("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(rateLimitGroupOf("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(rateLimitGroupOf("198.51.100.3")).toBe("198.51.100.3");
    expect(rateLimitGroupOf("unknown")).toBe("unknown");
  });
});
