// Paced sending: the gap and its jitter, the typing indicator, the new-contact cap, and a queue that
// survives a restart and sends each message once, all on a clock the tests move by hand.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Pacing } from "@wsapi/contracts/pacing";
import { ProblemError } from "../src/http/problem.js";
import { silentLogs } from "../src/logs.js";
import { SendQueue, typingDurationMs } from "../src/sending/send-queue.js";
import { SendSpool } from "../src/sending/send-spool.js";
import { type OutgoingMessage, type SendOptions, TransportError } from "../src/transport/port.js";
import { FakeClock } from "./support/fake-clock.js";

const ALICE = "15550000001@s.whatsapp.net";
const BOB = "15550000002@s.whatsapp.net";
const CAROL = "15550000003@s.whatsapp.net";
const KNOWN = "15550000009@s.whatsapp.net";
const GROUP = "120363000000000001@g.us";
const KEY = Buffer.alloc(32, 3);
const text = (value: string): OutgoingMessage => ({ kind: "text", text: value });

class RecordingTransport {
  sent: Array<{ at: number; to: string; message: OutgoingMessage; options: SendOptions }> = [];
  presence: Array<{ at: number; chatId: string; state: string }> = [];
  failNext: TransportError[] = [];
  constructor(private readonly clock: FakeClock) {}
  send = async (to: string, message: OutgoingMessage, options: SendOptions) => {
    const failure = this.failNext.shift();
    if (failure) throw failure;
    this.sent.push({ at: this.clock.now(), to, message, options });
    return options.messageId ?? "unexpected";
  };
  setChatPresence = async (chatId: string, state: string) => {
    this.presence.push({ at: this.clock.now(), chatId, state });
  };
  getChat = async (chatId: string) => (chatId === KNOWN ? { id: chatId } : undefined) as never;
}

function setup(options: { path?: string; random?: () => number; clock?: FakeClock } = {}) {
  const clock = options.clock ?? new FakeClock();
  const path = options.path ?? join(mkdtempSync(join(tmpdir(), "wsapi-send-queue-")), "send.spool");
  const transport = new RecordingTransport(clock);
  const queue = new SendQueue({
    spool: new SendSpool(path, KEY, "ins_queue"),
    transport,
    logs: silentLogs,
    clock,
    random: options.random ?? (() => 0),
    retryMinMs: 1_000,
    retryMaxMs: 1_000,
  });
  queue.start();
  return { clock, path, transport, queue };
}

const pacing = (fields: Partial<Pacing> = {}) => Pacing.parse(fields);

describe("send queue", () => {
  it("keeps at least the gap plus the drawn jitter between messages, in order", async () => {
    const { clock, transport, queue } = setup({ random: () => 0.5 });
    const paced = pacing({ minGapMs: 1500, jitterMs: 500 });
    const ids = [];
    for (const n of [1, 2, 3]) ids.push(await queue.enqueue(ALICE, text(`text ${n}`), {}, paced));
    await clock.advance(0);
    assert.equal(transport.sent.length, 1, "the first goes at once: nothing was sent before");
    await clock.advance(1749);
    assert.equal(transport.sent.length, 1, "not before 1500 ms + 250 ms of jitter");
    await clock.advance(1);
    assert.equal(transport.sent.length, 2);
    await clock.advance(1750);
    assert.deepEqual(
      transport.sent.map((s) => s.at - transport.sent[0]!.at),
      [0, 1750, 3500],
    );
    assert.deepEqual(
      transport.sent.map((s) => s.options.messageId),
      ids,
      "each goes out under the id it was answered with",
    );
    assert.equal(queue.status(paced).depth, 0);
  });

  it("draws the jitter anew for each message, never past jitterMs", async () => {
    const draws = [0, 0.999, 0.2];
    const { clock, transport, queue } = setup({ random: () => draws.shift() ?? 0 });
    const paced = pacing({ minGapMs: 1000, jitterMs: 1000 });
    for (const n of [1, 2, 3, 4]) await queue.enqueue(ALICE, text(`text ${n}`), {}, paced);
    await clock.advance(10_000);
    const gaps = transport.sent.slice(1).map((s, i) => s.at - transport.sent[i]!.at);
    assert.deepEqual(gaps, [1000, 1999, 1200], "the first send draws none: nothing went before it");
  });

  it("shows typing for a time that grows with the text, then sends", async () => {
    assert.equal(typingDurationMs("hi"), 1_000, "at least a second");
    assert.equal(typingDurationMs("x".repeat(40)), 2_000, "50 ms per character");
    assert.equal(typingDurationMs("x".repeat(10_000)), 10_000, "at most ten seconds");

    const { clock, transport, queue } = setup();
    const start = clock.now();
    await queue.enqueue(ALICE, text("x".repeat(40)), {}, pacing({ typingIndicator: true }));
    await queue.enqueue(
      ALICE,
      { kind: "location", latitude: 1, longitude: 2 },
      {},
      pacing({ typingIndicator: true }),
    );
    await clock.advance(1_999);
    assert.deepEqual(transport.presence, [{ at: start, chatId: ALICE, state: "typing" }]);
    assert.equal(transport.sent.length, 0, "still typing");
    await clock.advance(1);
    assert.equal(transport.sent[0]?.at, start + 2_000);
    assert.equal(transport.sent[1]?.at, start + 2_000, "no typing before a location");
    assert.equal(transport.presence.length, 1);
  });

  it("caps first messages to new contacts per rolling hour, and answers when to retry", async () => {
    const { clock, queue } = setup();
    const capped = pacing({ maxNewContactsPerHour: 2 });
    await queue.enqueue(ALICE, text("a"), {}, capped);
    await clock.advance(60_000);
    await queue.enqueue(BOB, text("b"), {}, capped);
    await assert.rejects(queue.enqueue(CAROL, text("c"), {}, capped), (error: unknown) => {
      assert.ok(error instanceof ProblemError);
      assert.equal(error.code, "NEW_CONTACT_LIMIT");
      assert.equal(error.headers["retry-after"], String(59 * 60), "when Alice's hour is over");
      return true;
    });
    await queue.enqueue(ALICE, text("again"), {}, capped);
    await queue.enqueue(KNOWN, text("an old friend"), {}, capped);
    await queue.enqueue(GROUP, text("a group"), {}, capped);
    assert.equal(queue.status(capped).newContactsLastHour, 2);
    await queue.enqueue(CAROL, text("no cap"), {}, pacing());
    await clock.advance(59 * 60_000);
    await queue.enqueue("15550000004@s.whatsapp.net", text("d"), {}, capped);
  });

  it("survives a restart: resumes the queue from the encrypted spool, keeps the gap, sends each once", async () => {
    const first = setup();
    const paced = pacing({ minGapMs: 1500, maxNewContactsPerHour: 1 });
    const ids = [];
    for (const n of [1, 2, 3])
      ids.push(await first.queue.enqueue(ALICE, text(`secret line ${n}`), {}, paced));
    await first.clock.advance(0);
    assert.equal(first.transport.sent.length, 1);
    first.queue.stop();
    assert.ok(!readFileSync(first.path, "utf8").includes("secret line"), "no plaintext on disk");

    const clock = new FakeClock(first.clock.now() + 500);
    const second = setup({ path: first.path, clock });
    assert.deepEqual(second.queue.status(paced).messageIds, ids.slice(1));
    assert.equal(second.queue.status(paced).newContactsLastHour, 1, "the contact window survives too");
    await clock.advance(999);
    assert.equal(second.transport.sent.length, 0, "the gap counts from the last send before the restart");
    await clock.advance(1 + 1500);
    assert.deepEqual(
      second.transport.sent.map((s) => s.options.messageId),
      ids.slice(1),
    );
    second.queue.stop();

    const third = setup({ path: first.path, clock: new FakeClock(clock.now()) });
    await third.clock.advance(60_000);
    assert.equal(third.transport.sent.length, 0, "nothing is sent twice");
    assert.equal(third.queue.status(paced).depth, 0);
  });

  it("cancels what is queued, even mid-typing; cancelled sends never go out, after a restart neither", async () => {
    const { clock, path, transport, queue } = setup();
    const paced = pacing({ minGapMs: 1000, typingIndicator: true });
    const ids = [];
    for (const n of [1, 2, 3]) ids.push(await queue.enqueue(ALICE, text(`t${n}`), {}, paced));
    await clock.advance(500);
    assert.equal(transport.presence.length, 1, "typing the first");
    assert.deepEqual(queue.cancelAll(), ids);
    await clock.advance(10_000);
    assert.equal(transport.sent.length, 0);
    queue.stop();
    const again = setup({ path, clock });
    await clock.advance(10_000);
    assert.equal(again.transport.sent.length, 0);
    assert.equal(again.queue.status(paced).depth, 0);
  });

  it("retries while the device is away, and records a send WhatsApp refuses", async () => {
    const { clock, transport, queue } = setup();
    transport.failNext = [
      new TransportError("not_connected", "reconnecting"),
      new TransportError("rejected", "no"),
    ];
    const paced = pacing();
    const first = await queue.enqueue(ALICE, text("one"), {}, paced);
    const second = await queue.enqueue(BOB, text("two"), {}, paced);
    await clock.advance(0);
    assert.equal(transport.sent.length, 0);
    await clock.advance(1_000);
    assert.deepEqual(
      transport.sent.map((s) => s.options.messageId),
      [second],
    );
    const status = queue.status(paced);
    assert.equal(status.depth, 0);
    assert.deepEqual(
      status.failures.map((f) => [f.id, f.reason]),
      [[first, "rejected"]],
    );
  });

  it("refuses sends past its depth with SEND_QUEUE_FULL", async () => {
    const clock = new FakeClock();
    const queue = new SendQueue({
      spool: new SendSpool(join(mkdtempSync(join(tmpdir(), "wsapi-full-")), "s"), KEY, "ins_queue"),
      transport: new RecordingTransport(clock),
      logs: silentLogs,
      clock,
      maxDepth: 2,
    });
    queue.start();
    const slow = pacing({ minGapMs: 60_000 });
    await queue.enqueue(ALICE, text("1"), {}, slow);
    await clock.advance(0);
    await queue.enqueue(ALICE, text("2"), {}, slow);
    await queue.enqueue(ALICE, text("3"), {}, slow);
    await assert.rejects(queue.enqueue(ALICE, text("4"), {}, slow), { code: "SEND_QUEUE_FULL" });
    queue.stop();
  });
});
