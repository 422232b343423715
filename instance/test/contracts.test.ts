// The shared event contract: WSAPI's 21 event types plus our documented extensions, an envelope
// whose data must match its type.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  EVENT_TYPES,
  EventBatch,
  EventEnvelope,
  EXTENSION_EVENT_TYPES,
  SESSION_EVENT_TYPES,
} from "@wsapi/contracts/events";
import { toEnvelope } from "../src/events/envelope.js";

const WSAPI_EVENT_TYPES = [
  "message",
  "message_read",
  "message_delete",
  "message_star",
  "message_history_sync",
  "logged_in",
  "logged_out",
  "login_error",
  "initial_sync_finished",
  "chat_setting",
  "chat_presence",
  "chat_push_name",
  "chat_status",
  "chat_picture",
  "contact",
  "group",
  "newsletter",
  "call_offer",
  "call_accept",
  "call_terminate",
  "user_presence",
];

describe("event contract", () => {
  it("covers exactly WSAPI's 21 event types, plus session_health as our extension", () => {
    assert.deepEqual([...EXTENSION_EVENT_TYPES], ["session_health"]);
    assert.deepEqual([...EVENT_TYPES].sort(), [...WSAPI_EVENT_TYPES, ...EXTENSION_EVENT_TYPES].sort());
  });

  it("lets filters drop session_health: it is not one of the always-delivered session events", () => {
    assert.equal(SESSION_EVENT_TYPES.includes("session_health"), false);
    const envelope = toEnvelope("ins_contract", {
      eventType: "session_health",
      eventData: {
        state: "reconnecting",
        previousState: "probing",
        since: "2026-01-01T00:00:30.000Z",
        lastReceivedAt: "2026-01-01T00:00:00.000Z",
        reconnects: 1,
        lastDisconnect: { reason: "unresponsive", at: "2026-01-01T00:00:30.000Z" },
      },
    });
    assert.equal(EventEnvelope.safeParse(envelope).success, true);
    const badReason = {
      ...envelope,
      eventData: { ...envelope.eventData, lastDisconnect: { reason: "?", at: "x" } },
    };
    assert.equal(EventEnvelope.safeParse(badReason).success, false);
  });

  it("accepts a well-formed envelope and refuses a bad id or data of another type", () => {
    const envelope = toEnvelope("ins_contract", {
      eventType: "logged_out",
      eventData: { reason: "api_logout" },
    });
    assert.equal(EventEnvelope.safeParse(envelope).success, true);
    assert.equal(EventEnvelope.safeParse({ ...envelope, eventId: "evt_1_abc" }).success, false);
    assert.equal(EventEnvelope.safeParse({ ...envelope, eventType: "call_offer" }).success, false);
    assert.equal(EventEnvelope.safeParse({ ...envelope, receivedAt: "yesterday" }).success, false);
    assert.equal(EventBatch.safeParse({ events: [] }).success, false);
    assert.equal(
      EventBatch.safeParse({ events: Array.from({ length: 101 }, () => envelope) }).success,
      false,
    );
  });
});
