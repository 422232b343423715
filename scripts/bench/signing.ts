import { performance } from "node:perf_hooks";
import { generateSigningSecret, webhookHeaders } from "../../functions/src/core/webhooks/signing.js";

// Signed webhook requests per second for 1 KB bodies: both schemes (Standard Webhooks + WSAPI HMAC).
export function benchSigning(iterations = 100_000) {
  const secrets = [generateSigningSecret()];
  const body = JSON.stringify({ eventType: "message", eventData: { text: "x".repeat(960) } });
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    webhookHeaders({ webhookId: `evt_${i}`, timestamp: 1_700_000_000, body, instanceId: "bench", secrets });
  }
  return {
    perSecond: iterations / ((performance.now() - started) / 1000),
    bodyBytes: Buffer.byteLength(body),
  };
}
