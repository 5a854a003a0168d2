import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";

/**
 * The proxies in front of the server whose `X-Forwarded-For` entries are believed: how many hops
 * (0: none, the connection's peer is the caller), or their addresses and CIDR ranges (proxy-addr's
 * names `loopback`, `linklocal` and `uniquelocal` too).
 */
export type TrustedProxies = number | readonly string[];

/** Who the caller is, from the connection's peer and the `X-Forwarded-For` header it sent. */
export type ClientAddressResolver = (
  peer: string | undefined,
  forwardedFor: string | null | undefined,
) => string;

/** An IPv4 address in its one spelling (no leading zeros): the usual peer, taken as it is. */
const CANONICAL_IPV4 =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The address as one spelling: IPv4-mapped IPv6 as IPv4, IPv6 compressed. */
function normalized(address: string | undefined): string {
  if (!address) return "unknown";
  if (CANONICAL_IPV4.test(address)) return address;
  return ipaddr.isValid(address) ? ipaddr.process(address).toString() : address.slice(0, 64);
}

/**
 * The caller is the first hop, from the right of `X-Forwarded-For` plus the peer, that is not a
 * trusted proxy (proxy-addr's walk, as Express's `trust proxy` does it). Entries left of it are
 * the caller's own word and never count. Throws on a malformed address list (checked at start).
 */
export function clientAddressResolver(trusted: TrustedProxies = 0): ClientAddressResolver {
  if (trusted === 0) return (peer) => normalized(peer);
  const trust =
    typeof trusted === "number"
      ? (_address: string, hop: number) => hop < trusted
      : proxyaddr.compile([...trusted]);
  return (peer, forwardedFor) => {
    // proxy-addr reads just these two fields of a request.
    const request = {
      headers: { "x-forwarded-for": forwardedFor ?? "" },
      socket: { remoteAddress: peer },
    };
    return normalized(proxyaddr(request as unknown as IncomingMessage, trust));
  };
}

/** The caller of a request that came straight to this server: its peer, whatever it claims. */
export const DIRECT_CALLERS = clientAddressResolver(0);

/**
 * Whom an anonymous rate limit counts: the address, or for IPv6 its /64 (one subscriber's
 * network, where any one machine has countless addresses to move between).
 */
export function rateLimitGroupOf(address: string): string {
  if (!ipaddr.IPv6.isValid(address)) return address;
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address}/64`).toString()}/64`;
}
