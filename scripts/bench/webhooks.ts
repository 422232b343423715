import { randomInt } from "node:crypto";
import { startReceiver } from "../../test/support/receiver.js";
import { followEventStream } from "../../test/support/sse.js";
import { json } from "../../test/support/stack.js";
import { createTenant, pairInstance } from "../../test/support/tenants.js";
import { waitFor } from "../../test/support/wait.js";
import type { StackUrls } from "../stack/stack.js";

// Webhook latency and throughput on the local stack, the whole path: a contact's message on the
// simulated network → instance → events function → Cloud Tasks emulator → deliverwebhook → receiver;
// and, for the same messages, side by side: → event log → GET /events/stream (the api function polls
// the log once a second) → a stream client that reconnects with Last-Event-ID like EventSource.
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export async function benchWebhooks(urls: StackUrls, sequential = 30, burst = 200) {
  const receiver = await startReceiver();
  try {
    const tenant = await createTenant("bench-hooks", ["hooks-1"]);
    const put = await json(
      "PUT",
      `${urls.gateway}/account/instances/hooks-1/settings`,
      { webhookUrl: receiver.url, eventFilters: ["message"] },
      { "x-api-key": tenant.accountKey },
    );
    if (put.status !== 204) throw new Error(`webhook settings answered ${put.status}`);
    const phone = `1571${randomInt(1e6, 1e7)}`;
    const contact = `1572${randomInt(1e6, 1e7)}`;
    await pairInstance(tenant.accountKey, "hooks-1", phone);
    const send = async (text: string) => {
      const sent = await json("POST", `${urls.simulator}/v1/phones/${contact}/messages`, { to: phone, text });
      if (sent.status !== 201) throw new Error(`the simulator answered ${sent.status}`);
    };
    const arrived = (text: string) =>
      waitFor(() => receiver.received.find((r) => r.json?.eventData.text === text), `webhook "${text}"`, {
        timeoutMs: 60_000,
      });
    const stream = followEventStream(`${urls.gateway}/events/stream`, {
      "x-api-key": tenant.accountKey,
      "x-instance-id": "hooks-1",
    });
    const streamed = (text: string) =>
      waitFor(() => stream.events.find((m) => m.data?.includes(`"text":"${text}"`)), `streamed "${text}"`, {
        timeoutMs: 60_000,
      });
    await send("warm-up");
    await Promise.all([arrived("warm-up"), streamed("warm-up")]);

    const latencies: number[] = [];
    const streamLatencies: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const started = performance.now();
      await send(`latency-${i}`);
      await Promise.all([
        arrived(`latency-${i}`).then(() => latencies.push(performance.now() - started)),
        streamed(`latency-${i}`).then(() => streamLatencies.push(performance.now() - started)),
      ]);
    }
    await stream.close();
    latencies.sort((a, b) => a - b);
    streamLatencies.sort((a, b) => a - b);

    const started = performance.now();
    for (let i = 0; i < burst; i++) await send(`burst-${i}`);
    for (let i = 0; i < burst; i++) await arrived(`burst-${i}`);
    const seconds = (performance.now() - started) / 1000;
    return {
      sequential,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      streamP50: percentile(streamLatencies, 50),
      streamP95: percentile(streamLatencies, 95),
      burst,
      perSecond: burst / seconds,
    };
  } finally {
    await receiver.close();
  }
}
