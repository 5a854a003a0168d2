import { CaptureError } from "@shotcache/core";
import { describe, expect, it } from "vitest";
import {
  assertTargetAllowed,
  type HostResolver,
  isAddressAllowed,
  isPublicAddress,
  PUBLIC_ONLY,
  policyFromAllowlist,
  resolveTarget,
} from "./network-guard";

// Decisions only: the resolver is stubbed and nothing is ever dialled.
const resolvesTo =
  (...addresses: string[]): HostResolver =>
  async () =>
    addresses;

async function verdict(url: string, resolve: HostResolver = resolvesTo("93.184.215.14")) {
  try {
    await assertTargetAllowed(url, PUBLIC_ONLY, resolve);
    return "allowed";
  } catch (error) {
    if (!CaptureError.is(error)) throw error;
    return error.code;
  }
}

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::127.0.0.1",
    "::a9fe:a9fe",
    "::2",
    "4000::1",
    "2001:db8::1",
    "not-an-address",
  ])("refuses %s", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.215.14"])(
    "allows %s",
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe("assertTargetAllowed", () => {
  it("allows a host that resolves only to public addresses", async () => {
    expect(await verdict("https://example.com/")).toBe("allowed");
  });

  it("refuses a host name that resolves to loopback", async () => {
    expect(await verdict("http://localhost.test/", resolvesTo("127.0.0.1"))).toBe(
      "TARGET_NOT_ALLOWED",
    );
  });

  // IP literals are judged as written: a resolver that would vouch for any name must not be asked.
  const publicResolver = resolvesTo("93.184.215.14");
  it.each([
    "http://127.0.0.1/",
    "http://[::1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::127.0.0.1]/",
    "http://2130706433/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://10.1.2.3:8080/",
  ])("refuses the literal %s", async (url) => {
    expect(await verdict(url, publicResolver)).toBe("TARGET_NOT_ALLOWED");
  });

  it("refuses a host when any of its addresses is private", async () => {
    expect(await verdict("https://mixed.test/", resolvesTo("93.184.215.14", "10.0.0.7"))).toBe(
      "TARGET_NOT_ALLOWED",
    );
  });

  it("refuses schemes other than http and https", async () => {
    for (const url of ["file:///etc/passwd", "ftp://example.com/", "chrome://version"]) {
      expect(await verdict(url)).toBe("TARGET_NOT_ALLOWED");
    }
  });

  it("reports a host that does not resolve as unreachable", async () => {
    const failing: HostResolver = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    expect(await verdict("https://nowhere.test/", failing)).toBe("TARGET_UNREACHABLE");
  });
});

describe("allowlist policies", () => {
  it("reads addresses, ranges and host names, and refuses anything else", () => {
    const policy = policyFromAllowlist([
      "10.1.0.0/16",
      "::1",
      " intranet.test ",
      "*.corp.test",
      "",
    ]);
    expect(policy.hosts).toEqual(["intranet.test", "*.corp.test"]);
    expect(policy.ranges).toHaveLength(2);
    expect(() => policyFromAllowlist(["not a host!"])).toThrow(/neither/);
    expect(() => policyFromAllowlist(["10.0.0.0/99"])).toThrow();
  });

  it("allows addresses inside an allowed range only", () => {
    const policy = policyFromAllowlist(["10.1.0.0/16", "::1"]);
    expect(isAddressAllowed("10.1.2.3", policy)).toBe(true);
    expect(isAddressAllowed("10.2.0.1", policy)).toBe(false);
    expect(isAddressAllowed("::1", policy)).toBe(true);
    expect(isAddressAllowed("::ffff:10.1.0.9", policy)).toBe(true);
    expect(isAddressAllowed("127.0.0.1", policy)).toBe(false);
    expect(isAddressAllowed("93.184.215.14", PUBLIC_ONLY)).toBe(true);
  });

  it("pins the checked address, and lets allowlisted names through", async () => {
    const resolver = resolvesTo("10.9.9.9", "10.9.9.10");
    const hosts = policyFromAllowlist(["intranet.test", "*.corp.test"]);
    expect(await resolveTarget("intranet.test", hosts, resolver)).toEqual({
      allowed: true,
      address: "10.9.9.9",
    });
    expect(await resolveTarget("[::ffff:7f00:1]", policyFromAllowlist(["127.0.0.0/8"]))).toEqual({
      allowed: true,
      address: "127.0.0.1",
    });
    expect((await resolveTarget("app.corp.test", hosts, resolver)).allowed).toBe(true);
    expect((await resolveTarget("corp.test.evil", hosts, resolver)).allowed).toBe(false);
    expect(await resolveTarget("[::1]", PUBLIC_ONLY, resolver)).toMatchObject({
      allowed: false,
      code: "TARGET_NOT_ALLOWED",
    });
  });
});
