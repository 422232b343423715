// GET /events/stream through the real gateway app over an in-memory event log: live events, exact
// replay after Last-Event-ID, keep-alives, and the answers before a stream opens.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EventEnvelope } from "@wsapi/contracts/events";
import { appendEvents } from "../src/core/eventLog.js";
import { systemClock } from "../src/core/ports/clock.js";
import { memoryGateway } from "./support/memoryGateway.js";

const eventId = (n: number) => `evt_1800000000000_${n.toString(16).padStart(16, "0")}`;
const envelope = (n: number) =>
  ({
    eventId: eventId(n),
    instanceId: "sales",
    eventType: n % 2 ? "message" : "chat_presence",
    receivedAt: "2026-12-01T00:00:00.000Z",
    eventData: { n },
  }) as unknown as EventEnvelope;

async function setup(stream: { maxMs?: number; keepAliveMs?: number } = {}) {
  const gateway = await memoryGateway({
    accountId: "acct",
    instance: { instanceId: "sales", runtimeId: "isales", url: "http://127.0.0.1:1" },
    requestsPerMinute: 1_000,
    signToken: async () => "token",
    idToken: async () => "id-token",
    forward: async () => {
      throw new Error("the stream is never forwarded");
    },
    stream: { maxMs: 800, ...stream },
  });
  const logDeps = {
    log: gateway.eventLog.store,
    keyRing: gateway.keyRing,
    clock: systemClock,
    retentionMs: 3600_000,
  };
  const log = (...ns: number[]) => appendEvents(logDeps, gateway.instance, ns.map(envelope));
  const open = (headers: Record<string, string> = {}, instanceId = "sales") =>
    gateway.app.request("/events/stream", {
      headers: { "x-api-key": gateway.apiKey, "x-instance-id": instanceId, ...headers },
    });
  return { log, open, gateway };
}

interface Message {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: string;
}

/** Reads the whole stream (it ends at maxMs) into SSE messages. */
async function messages(response: Response): Promise<Message[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const message: Message = {};
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) message.comment = line.slice(1).trim();
        else {
          const [field, ...rest] = line.split(": ");
          (message as Record<string, string>)[field!] = rest.join(": ");
        }
      }
      return message;
    });
}

const ids = (list: Message[]) => list.filter((m) => m.id).map((m) => m.id);

describe("event stream", () => {
  it("sends events logged after it opened, as id / event / data with the webhook envelope", async () => {
    const { log, open } = await setup();
    await log(1);
    const response = await open({ accept: "text/event-stream" });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
    setTimeout(() => void log(2, 3), 100);
    const received = await messages(response);
    assert.equal(received[0]!.retry, "1000", "a retry hint first");
    assert.deepEqual(ids(received), [eventId(2), eventId(3)], "live only: nothing from before");
    const second = received.find((m) => m.id === eventId(2))!;
    assert.equal(second.event, "chat_presence");
    assert.deepEqual(JSON.parse(second.data!), envelope(2));
  });

  it("replays exactly the events after Last-Event-ID, then goes on live", async () => {
    const { log, open } = await setup();
    await log(1, 2, 3, 4, 5);
    const response = await open({ "last-event-id": eventId(2) });
    setTimeout(() => void log(6), 100);
    assert.deepEqual(ids(await messages(response)), [3, 4, 5, 6].map(eventId));
  });

  it("replays every event still held after an id it does not hold", async () => {
    const { log, open } = await setup({ maxMs: 200 });
    await log(1, 2);
    const received = await messages(await open({ "last-event-id": eventId(99) }));
    assert.deepEqual(ids(received), [1, 2].map(eventId));
    assert.ok(received.some((m) => m.comment?.startsWith("replaying")));
  });

  it("keeps an idle stream open with comments", async () => {
    const { open } = await setup({ maxMs: 400, keepAliveMs: 100 });
    const received = await messages(await open());
    assert.ok(received.filter((m) => m.comment === "keep-alive").length >= 2);
  });

  it("answers problems before a stream opens: bad Last-Event-ID 400, other media types 406, unknown instance 404", async () => {
    const { open } = await setup();
    const bad = await open({ "last-event-id": "evt_1 id: forged" });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, "VALIDATION");
    const json = await open({ accept: "application/json" });
    assert.equal(json.status, 406);
    assert.equal(((await json.json()) as { code: string }).code, "NOT_ACCEPTABLE");
    assert.equal((await open({}, "someone-elses")).status, 404);
  });
});
