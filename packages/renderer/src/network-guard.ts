import { lookup } from "node:dns/promises";
import { CaptureError } from "@shotcache/core";
import ipaddr from "ipaddr.js";

/** Resolves a host name to its addresses; replaceable so tests decide without any DNS. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** The only IPv6 block assigned for global unicast; ipaddr.js calls much else "unicast" too. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

/**
 * Whether an address may be dialled: only public unicast. `ipaddr.process` first turns an
 * IPv4-mapped IPv6 address back into IPv4, so `::ffff:127.0.0.1` is judged as 127.0.0.1; any other
 * IPv6 address must lie in 2000::/3, which rules out the IPv4-compatible `::a.b.c.d` forms and
 * unassigned space.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (parsed.range() !== "unicast") return false;
  return parsed.kind() === "ipv4" || parsed.match(GLOBAL_UNICAST_V6);
}

/** The URL's host without the brackets WHATWG URL keeps around IPv6 literals. */
function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * Refuses a target whose scheme is not http(s) or whose host resolves to any non-public address
 * (loopback, private, link-local and cloud metadata, CGNAT, multicast, reserved, …).
 *
 * This first guard checks the main document's host once, before navigation. It does not yet see
 * redirects or the page's own sub-requests, and a host could answer DNS differently at navigation
 * time (rebinding); the full guard, which pins the checked address, comes with the render engine.
 */
export async function assertTargetAllowed(
  target: string,
  resolve: HostResolver = systemResolver,
): Promise<void> {
  const url = new URL(target);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new CaptureError("TARGET_NOT_ALLOWED", `The ${url.protocol} scheme is not allowed.`, {
      field: "url",
    });
  }
  const hostname = bareHostname(url);
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(hostname) ? [hostname] : await resolve(hostname);
  } catch (cause) {
    throw new CaptureError("TARGET_UNREACHABLE", `The host ${hostname} could not be resolved.`, {
      cause,
      field: "url",
    });
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
    throw new CaptureError(
      "TARGET_NOT_ALLOWED",
      `The host ${hostname} resolves to a private or reserved address.`,
      { field: "url" },
    );
  }
}
