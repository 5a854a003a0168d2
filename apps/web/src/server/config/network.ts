/** @module What captures, and the webhooks watches call, may reach. */
import { ALLOW_ALL, policyFromAllowlist } from "@shotcache/renderer";
import { z } from "zod";
import { booleanText, parsedList } from "./parsers";

const SHA256_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

export const networkSettings = {
  title: "Network",
  variables: z.object({
    SHOTCACHE_ALLOW_PRIVATE_NETWORKS: booleanText.default(false).meta({
      description:
        "let captures reach loopback and private addresses (tests, local development only)",
    }),
    SHOTCACHE_ALLOWED_TARGETS: parsedList(policyFromAllowlist).meta({
      description:
        "comma-separated hosts (`intranet.example`, `*.corp.example`), addresses and CIDR ranges captures may reach besides the public internet",
    }),
    SHOTCACHE_TRUSTED_CERTIFICATES: parsedList((digests) => {
      for (const digest of digests) {
        if (!SHA256_BASE64.test(digest)) {
          throw new Error("each must be a base64 SHA-256 digest (44 characters)");
        }
      }
      return digests;
    }).meta({
      description:
        "certificates captures trust beyond the system's (an intranet's own CA or site): base64 SHA-256 digests of their public keys, comma-separated",
    }),
  }),
};

export function networkConfigOf(variables: z.output<typeof networkSettings.variables>) {
  return {
    policy: variables.SHOTCACHE_ALLOW_PRIVATE_NETWORKS
      ? ALLOW_ALL
      : variables.SHOTCACHE_ALLOWED_TARGETS,
    allowsPrivateNetworks: variables.SHOTCACHE_ALLOW_PRIVATE_NETWORKS,
    trustedCertificates: variables.SHOTCACHE_TRUSTED_CERTIFICATES,
  };
}

export type NetworkConfig = ReturnType<typeof networkConfigOf>;
