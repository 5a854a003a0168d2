import { lookup } from "node:dns/promises";
import { CaptureError } from "@shotcache/core";
import ipaddr from "ipaddr.js";

/** Resolves a host name to its addresses; replaceable so tests decide without any DNS. */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** A lookup that takes longer is treated as a failure: a slow name must not hold a render. */
const LOOKUP_TIMEOUT_MS = 5_000;

export const systemResolver: HostResolver = async (hostname) => {
  const answers = lookup(hostname, { all: true, verbatim: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`lookup of ${hostname} timed out`)),
      LOOKUP_TIMEOUT_MS,
    );
  });
  try {
    return (await Promise.race([answers, timeout])).map((entry) => entry.address);
  } finally {
    clearTimeout(timer);
  }
};

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * What may be reached besides the public internet. Empty by default: the explicit allowlist is
 * the only way to reach loopback, private, link-local or other reserved addresses.
 */
export interface NetworkPolicy {
  /** Host names allowed whatever they resolve to: exact, or `*.example.com` for subdomains. */
  hosts: readonly string[];
  /** Address ranges allowed besides public unicast. */
  ranges: readonly Range[];
}

export const PUBLIC_ONLY: NetworkPolicy = { hosts: [], ranges: [] };

/** Everything, private networks included: for tests and local development only. */
export const ALLOW_ALL: NetworkPolicy = {
  hosts: [],
  ranges: [ipaddr.parseCIDR("0.0.0.0/0"), ipaddr.parseCIDR("::/0")],
};

/**
 * A policy from allowlist entries: a CIDR (`10.1.0.0/16`), an address (`127.0.0.1`, `::1`), or a
 * host name (`intranet.example`, `*.corp.example`). Throws on an entry that is none of these.
 */
export function policyFromAllowlist(entries: readonly string[]): NetworkPolicy {
  const hosts: string[] = [];
  const ranges: Range[] = [];
  for (const raw of entries.map((entry) => entry.trim()).filter(Boolean)) {
    if (raw.includes("/")) {
      ranges.push(ipaddr.parseCIDR(raw));
    } else if (ipaddr.isValid(raw)) {
      const address = ipaddr.parse(raw);
      ranges.push([address, address.kind() === "ipv4" ? 32 : 128]);
    } else if (/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(raw)) {
      hosts.push(raw.toLowerCase());
    } else {
      throw new Error(`"${raw}" is neither an address, a CIDR range nor a host name`);
    }
  }
  return { hosts, ranges };
}

/** The only IPv6 block assigned for global unicast; ipaddr.js calls much else "unicast" too. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

/**
 * Whether an address is public unicast. `ipaddr.process` first turns an IPv4-mapped IPv6 address
 * back into IPv4, so `::ffff:127.0.0.1` is judged as 127.0.0.1; any other IPv6 address must lie
 * in 2000::/3, which rules out the IPv4-compatible `::a.b.c.d` forms and unassigned space.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (parsed.range() !== "unicast") return false;
  return parsed.kind() === "ipv4" || parsed.match(GLOBAL_UNICAST_V6);
}

/** Whether the policy lets us dial `address`: public, or inside an allowed range. */
export function isAddressAllowed(address: string, policy: NetworkPolicy = PUBLIC_ONLY): boolean {
  if (isPublicAddress(address)) return true;
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return policy.ranges.some(
    ([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits),
  );
}

function isHostAllowlisted(hostname: string, policy: NetworkPolicy): boolean {
  const host = hostname.toLowerCase();
  return policy.hosts.some((allowed) =>
    allowed.startsWith("*.") ? host.endsWith(allowed.slice(1)) : host === allowed,
  );
}

export type TargetDecision =
  | { allowed: true; address: string }
  | { allowed: false; code: "TARGET_NOT_ALLOWED" | "TARGET_UNREACHABLE"; reason: string };

/**
 * Decides whether `hostname` may be reached and, if so, which address to dial: the very address
 * that was checked. Whoever connects must use it rather than resolve the name again, so a DNS
 * answer that changes between check and connection (rebinding) cannot slip through.
 */
export async function resolveTarget(
  rawHostname: string,
  policy: NetworkPolicy = PUBLIC_ONLY,
  resolve: HostResolver = systemResolver,
): Promise<TargetDecision> {
  // WHATWG URLs keep IPv6 literals in brackets.
  const hostname = rawHostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(hostname) ? [hostname] : await resolve(hostname);
  } catch {
    return { allowed: false, code: "TARGET_UNREACHABLE", reason: `${hostname} does not resolve` };
  }
  const first = addresses.find((address) => ipaddr.isValid(address));
  if (first === undefined) {
    return { allowed: false, code: "TARGET_UNREACHABLE", reason: `${hostname} does not resolve` };
  }
  // The address is dialled in the same normal form it was checked in (no re-parsing of odd forms).
  const address = ipaddr.process(first).toString();
  if (isHostAllowlisted(hostname, policy)) return { allowed: true, address };
  if (!addresses.every((address) => isAddressAllowed(address, policy))) {
    return {
      allowed: false,
      code: "TARGET_NOT_ALLOWED",
      reason: `${hostname} is a private or reserved address`,
    };
  }
  return { allowed: true, address };
}

const WEB_SCHEMES = new Set(["http:", "https:"]);

/**
 * Refuses, with a coded error, a capture target whose scheme is not http(s) or whose host the
 * policy does not allow. This checks the main document before navigation; the guard proxy
 * (guard-proxy.ts) then checks every request the browser makes, redirects included.
 */
export async function assertTargetAllowed(
  target: string,
  policy: NetworkPolicy = PUBLIC_ONLY,
  resolve: HostResolver = systemResolver,
  /** The input field the URL came in, named by the error. */
  field = "url",
): Promise<void> {
  const url = new URL(target);
  if (!WEB_SCHEMES.has(url.protocol)) {
    throw new CaptureError("TARGET_NOT_ALLOWED", `The ${url.protocol} scheme is not allowed.`, {
      field,
    });
  }
  const decision = await resolveTarget(url.hostname, policy, resolve);
  if (!decision.allowed) {
    const what = field === "url" ? "cannot be captured" : `is refused as ${field}`;
    throw new CaptureError(decision.code, `The host ${url.hostname} ${what}.`, { field });
  }
}
