// The shared event contract: 21 event types, an envelope whose data must match its type.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EVENT_TYPES, EventBatch, EventEnvelope } from "@wsapi/contracts/events";
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
  it("covers exactly WSAPI's 21 event types", () => {
    assert.deepEqual([...EVENT_TYPES].sort(), [...WSAPI_EVENT_TYPES].sort());
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
