import {
  CaptureError,
  type CaptureService,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  type WebhookSender,
  webhookSignature,
} from "@shotcache/core";
import pRetry from "p-retry";

export interface DeliveryOptions {
  sender: WebhookSender;
  /** Deliveries are signed with it, as the inbound webhook is. */
  webhookSecret: string;
  /** Where delivery successes and failures are counted, beside the captures' counters. */
  counters: Pick<CaptureService, "count">;
  /** A delivery attempt that takes longer fails, in ms. @default 5000 */
  timeoutMs?: number;
  /** Retries of a failed delivery, and the wait before the first (doubled each time). @default 3, 1000 */
  retries?: number;
  retryBackoffMs?: number;
  now: () => number;
  /**
   * Aborted when the service stops, which gives up attempts and retries. A function, read at each
   * delivery and attempt: the service makes a new signal each time it is started again.
   */
  stopSignal: () => AbortSignal;
  /** Told of each failed attempt (it is retried, up to `retries`), with what it was for. */
  onError?: (error: unknown, id: string, stage: "delivery") => void;
  /** Who the receiver is told the sender is. @default "shotcache-watch" */
  userAgent?: string;
}

/** Delivers one payload (a watch's change, a batch's end) to a webhook, for the watch or batch `id`. */
export type Deliver = (id: string, webhook: string, delivery: object) => Promise<void>;

/**
 * POSTs a delivery as JSON, signed with a fresh timestamp at every attempt (so a receiver that
 * refuses old timestamps takes a late retry), and retries a failed attempt with doubling back-off.
 */
export function createDelivery(options: DeliveryOptions): Deliver {
  const { sender, counters, now } = options;
  return async (id, webhook, delivery) => {
    const body = JSON.stringify(delivery);
    await pRetry(
      async () => {
        const timestamp = Math.floor(now() / 1000);
        const headers = {
          "content-type": "application/json",
          "user-agent": options.userAgent ?? "shotcache-watch",
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: webhookSignature(options.webhookSecret, timestamp, body),
        };
        const signal = AbortSignal.any([
          options.stopSignal(),
          AbortSignal.timeout(options.timeoutMs ?? 5_000),
        ]);
        await sender.post(webhook, body, headers, signal);
      },
      {
        retries: options.retries ?? 3,
        minTimeout: options.retryBackoffMs ?? 1_000,
        factor: 2,
        randomize: false,
        signal: options.stopSignal(),
        // A refusal by the network policy will not change by trying again.
        shouldRetry: ({ error }) => !CaptureError.is(error),
        onFailedAttempt: ({ error }) => {
          counters.count({ webhookFailures: 1 });
          options.onError?.(error, id, "delivery");
        },
      },
    );
    counters.count({ webhookDeliveries: 1 });
  };
}
