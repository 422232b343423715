import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MessageStageReport } from "@wsapi/contracts/message-timeline";
import { waitFor } from "../../test/support/wait.js";
import type { DeliveryOutcome } from "../src/events/control-client.js";
import { StageReporter } from "../src/events/stage-reporter.js";
import { createLogs } from "../src/logs.js";
import { serverAckedIds } from "../src/transport/baileys-mapping.js";

function reporter(outcomes: DeliveryOutcome["kind"][], maxPending = 100) {
  const posted: MessageStageReport[][] = [];
  const lines: string[] = [];
  const stages = new StageReporter({
    post: async (batch) => {
      posted.push(batch);
      const kind = outcomes.shift() ?? "delivered";
      return kind === "retry"
        ? { kind, reason: "ECONNREFUSED" }
        : kind === "rejected"
          ? { kind, status: 400 }
          : { kind };
    },
    logs: createLogs({ instanceId: "ins_stages" }, (line) => lines.push(line)),
    batchDelayMs: 5,
    minBackoffMs: 5,
    maxBackoffMs: 10,
    maxPending,
  });
  return { stages, posted, lines };
}

describe("message stage reporter", () => {
  it("sends the stages reported together in one batch: ids, stages and times only", async () => {
    const { stages, posted } = reporter([]);
    const at = new Date("2026-12-02T10:00:00.000Z");
    stages.record("3EB0A", "accepted", at);
    stages.record("3EB0A", "sent", at);
    await waitFor(() => posted.length === 1 && stages.pendingCount() === 0, "one batch");
    assert.deepEqual(posted[0], [
      { messageId: "3EB0A", stage: "accepted", at: at.toISOString() },
      { messageId: "3EB0A", stage: "sent", at: at.toISOString() },
    ]);
    stages.stop();
  });

  it("retries with backoff while the control plane is down, and drops a rejected batch", async () => {
    const { stages, posted, lines } = reporter(["retry", "retry", "rejected"]);
    stages.record("A", "accepted");
    await waitFor(
      () => posted.length === 3 && stages.pendingCount() === 0,
      "two retries, then the rejection",
    );
    stages.record("B", "accepted");
    await waitFor(() => posted.length === 4, "the next batch");
    assert.deepEqual(
      posted.slice(0, 3).map((batch) => batch.map((s) => s.messageId)),
      [["A"], ["A"], ["A"]],
    );
    assert.ok(lines.some((line) => line.includes("stages.delivery_failed")));
    assert.ok(lines.some((line) => line.includes("stages.dropped")));
    stages.stop();
  });

  it("keeps at most maxPending stages, dropping the oldest", async () => {
    const { stages, posted } = reporter(["retry"], 2);
    for (const id of ["A", "B", "C"]) stages.record(id, "sent");
    assert.equal(stages.pendingCount(), 2);
    await waitFor(() => posted.length === 2 && stages.pendingCount() === 0, "the retry");
    assert.deepEqual(
      posted[1]!.map((s) => s.messageId),
      ["B", "C"],
    );
    stages.stop();
  });

  it("reads WhatsApp's server acks of our own messages from Baileys' status updates", () => {
    const update = (fromMe: boolean, status: number, id = "3EB0A") =>
      ({ key: { remoteJid: "1555@s.whatsapp.net", fromMe, id }, update: { status } }) as never;
    assert.deepEqual(serverAckedIds([update(true, 2), update(false, 2, "X"), update(true, 3, "Y")]), [
      "3EB0A",
    ]);
  });
});
