import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { CaptureError, type WebhookSender } from "@shotcache/core";
import {
  assertTargetAllowed,
  type HostResolver,
  type NetworkPolicy,
  PUBLIC_ONLY,
  resolveTarget,
  systemResolver,
} from "./network-guard";

/**
 * Watch webhooks under the same network policy as captures: a webhook URL is someone's input,
 * so it may not make the server reach its own network (cloud metadata, admin ports) unless the
 * policy allows it. Each delivery resolves the host itself, checks the address and dials that
 * very address (a DNS answer that changes in between cannot slip through); TLS still verifies
 * the certificate for the host name. Redirects are not followed: one is a failed delivery.
 */
export function createWebhookSender(
  options: { policy?: NetworkPolicy; resolve?: HostResolver } = {},
): WebhookSender {
  const policy = options.policy ?? PUBLIC_ONLY;
  const resolve = options.resolve ?? systemResolver;

  return {
    check: (url) => assertTargetAllowed(url, policy, resolve, "webhook"),

    async post(url, body, headers, signal) {
      const target = new URL(url);
      const decision = await resolveTarget(target.hostname, policy, resolve);
      if (!decision.allowed) {
        throw new CaptureError(decision.code, `The webhook host ${target.hostname} is refused.`, {
          field: "webhook",
        });
      }
      const https = target.protocol === "https:";
      const send = https ? httpsRequest : httpRequest;
      await new Promise<void>((resolved, rejected) => {
        const outgoing = send(
          {
            host: decision.address,
            port: target.port || (https ? 443 : 80),
            path: `${target.pathname}${target.search}`,
            method: "POST",
            headers: { ...headers, host: target.host, "content-length": Buffer.byteLength(body) },
            // SNI names a host, never an address (URLs keep IPv6 literals in brackets).
            servername:
              https && isIP(target.hostname.replace(/^\[(.*)\]$/, "$1")) === 0
                ? target.hostname
                : undefined,
            signal,
            agent: false,
          },
          (answer) => {
            answer.resume(); // the body is not ours to read
            const status = answer.statusCode ?? 0;
            if (status >= 200 && status < 300) resolved();
            else rejected(new Error(`the webhook answered ${status}`));
          },
        );
        outgoing.once("error", rejected);
        outgoing.end(body);
      });
    },
  };
}
