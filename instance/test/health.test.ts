// The session health tracker on a fake clock: states, silence detection, reconnect counting.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SessionHealth } from "@wsapi/contracts/session-health";
import { disconnectReasonOf, type HealthChange, HealthTracker } from "../src/transport/health.js";

const timing = { pingAfterMs: 10_000, probingAfterMs: 20_000, dropAfterMs: 30_000 };

function trackerAt(start = Date.parse("2026-01-01T00:00:00Z")) {
  let now = start;
  const changes: HealthChange[] = [];
  const tracker = new HealthTracker({ now: () => now, timing, onChange: (change) => changes.push(change) });
  return {
    tracker,
    changes,
    states: () => changes.map((change) => change.health.state),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("session health tracker", () => {
  it("starts connecting, becomes healthy on a paired connection, logged_out on an unpaired one", () => {
    const paired = trackerAt();
    assert.equal(paired.tracker.snapshot().state, "connecting");
    paired.tracker.opened(true);
    assert.deepEqual(paired.states(), ["healthy"]);
    assert.equal(paired.changes[0]?.previousState, "connecting");
    const unpaired = trackerAt();
    unpaired.tracker.opened(false);
    unpaired.tracker.paired();
    assert.deepEqual(unpaired.states(), ["logged_out", "healthy"]);
  });

  it("pings a silent connection, probes past 20 s and drops it at 30 s as unresponsive", () => {
    const { tracker, states, advance } = trackerAt();
    tracker.opened(true);
    advance(9_999);
    assert.equal(tracker.check(), "none");
    advance(1);
    assert.equal(tracker.check(), "ping");
    advance(1_000);
    assert.equal(tracker.check(), "none", "one ping per interval");
    advance(9_000);
    assert.equal(tracker.check(), "ping");
    assert.equal(tracker.snapshot().state, "probing");
    advance(10_000);
    assert.equal(tracker.check(), "drop");
    const health = tracker.snapshot();
    assert.equal(health.state, "reconnecting");
    assert.equal(health.reconnects, 1);
    assert.equal(health.lastDisconnect?.reason, "unresponsive");
    tracker.closed("network");
    assert.equal(tracker.snapshot().reconnects, 1, "the close that follows a drop is not counted again");
    assert.equal(tracker.check(), "none", "a reconnecting session is not probed");
    tracker.opened(true);
    assert.deepEqual(states(), ["healthy", "probing", "reconnecting", "healthy"]);
    assert.equal(SessionHealth.safeParse(tracker.snapshot()).success, true);
  });

  it("an answer to a ping makes a probing connection healthy again; traffic resets the silence", () => {
    const { tracker, states, advance } = trackerAt();
    tracker.opened(true);
    advance(20_000);
    assert.equal(tracker.check(), "ping");
    tracker.received();
    advance(19_000);
    assert.equal(tracker.check(), "ping");
    tracker.received();
    assert.deepEqual(states(), ["healthy", "probing", "healthy"]);
    assert.equal(
      tracker.snapshot().lastReceivedAt,
      new Date(Date.parse("2026-01-01T00:00:39Z")).toISOString(),
    );
  });

  it("counts each lost connection once, with the reason and code that ended it", () => {
    const { tracker, advance } = trackerAt();
    tracker.closed("network");
    assert.equal(tracker.snapshot().reconnects, 0, "failing to connect at start is not a reconnect");
    tracker.opened(true);
    advance(1_000);
    tracker.closed(disconnectReasonOf(440), 440);
    tracker.closed(disconnectReasonOf(408), 408);
    const health = tracker.snapshot();
    assert.equal(health.reconnects, 1);
    assert.deepEqual(health.lastDisconnect, {
      reason: "replaced",
      code: 440,
      at: "2026-01-01T00:00:01.000Z",
    });
    tracker.opened(false);
    assert.equal(tracker.snapshot().state, "logged_out");
    assert.equal(tracker.check(), "none", "an unpaired connection waiting for a QR scan is left alone");
  });

  it("maps Baileys' DisconnectReason codes", () => {
    assert.equal(disconnectReasonOf(401), "logged_out");
    assert.equal(disconnectReasonOf(440), "replaced");
    assert.equal(disconnectReasonOf(405), "outdated_client");
    assert.equal(disconnectReasonOf(411), "outdated_client");
    assert.equal(disconnectReasonOf(408), "network");
    assert.equal(disconnectReasonOf(428), "network");
    assert.equal(disconnectReasonOf(undefined), "network");
    assert.equal(disconnectReasonOf(515), "restart_required");
    assert.equal(disconnectReasonOf(500), "bad_session");
    assert.equal(disconnectReasonOf(403), "forbidden");
  });
});
