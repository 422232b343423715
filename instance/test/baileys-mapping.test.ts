// Recorded Baileys traffic (instance/test/fixtures/baileys-*.json) through the pure mapping:
// each fixture lists the WSAPI events it must produce, and every event must satisfy the contract.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { proto, type WACallEvent, type WAMessage } from "@whiskeysockets/baileys";
import { EVENT_DATA_SCHEMAS, EventEnvelope, type WhatsAppEvent } from "@wsapi/contracts/events";
import { toEnvelope } from "../src/events/envelope.js";
import {
  type MappingContext,
  mapCalls,
  mapChatUpdates,
  mapContacts,
  mapGroupParticipantsUpdate,
  mapGroupsUpdate,
  mapMessage,
  mapMessageUpdates,
  mapPresenceUpdate,
  mapReceiptUpdates,
  reduceConnectionUpdate,
  type SessionPhase,
  UnsupportedMessage,
} from "../src/transport/baileys-mapping.js";

const FIXTURES = new URL("./fixtures/", import.meta.url);
const ctx: MappingContext = {
  me: { id: "15550009999@s.whatsapp.net", lid: "99999999999999@lid" },
  now: new Date("2024-05-19T01:00:00.000Z"),
};

interface Step {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: recorded JSON, shaped per event
  payload: any;
}

interface Fixture {
  description: string;
  event?: string;
  payload?: unknown;
  steps?: Step[];
  expected: WhatsAppEvent[];
}

/** Recorded messages are protobuf JSON; fromObject restores the live shape (Longs, bytes, enums). */
function revive(json: { key: WAMessage["key"] }): WAMessage {
  return Object.assign(proto.WebMessageInfo.fromObject(json), { key: { ...json.key } }) as WAMessage;
}

function isEvent(value: WhatsAppEvent | UnsupportedMessage | undefined): value is WhatsAppEvent {
  return value !== undefined && !(value instanceof UnsupportedMessage);
}

function run({ event, payload }: Step): WhatsAppEvent[] {
  switch (event) {
    case "messages.upsert":
      return payload.messages
        .map((message: { key: WAMessage["key"] }) => mapMessage(revive(message), ctx))
        .filter(isEvent);
    case "messages.update":
      return mapMessageUpdates(payload, ctx);
    case "message-receipt.update":
      return mapReceiptUpdates(payload, ctx);
    case "presence.update":
      return mapPresenceUpdate(payload, ctx);
    case "groups.update":
      return mapGroupsUpdate(payload, ctx);
    case "group-participants.update":
      return mapGroupParticipantsUpdate(payload, ctx);
    case "call":
      return mapCalls(payload.map((call: WACallEvent) => ({ ...call, date: new Date(call.date) })));
    case "contacts.update":
      return mapContacts(payload);
    case "chats.update":
      return mapChatUpdates(payload);
    default:
      throw new Error(`fixture uses an unmapped event: ${event}`);
  }
}

const fixtureFiles = readdirSync(FIXTURES).filter(
  (file) => /^baileys-.*\.json$/.test(file) && !file.startsWith("baileys-connection"),
);
const connectionFixtures = readdirSync(FIXTURES).filter((file) => /^baileys-connection.*\.json$/.test(file));

describe("Baileys mapping (recorded fixtures)", () => {
  it("has a fixture for text, image, reaction, edit, group message, receipt, call offer and accept", () => {
    const names = [
      "text",
      "image",
      "reaction",
      "edit",
      "group-message",
      "receipts",
      "call-offer",
      "call-accept",
    ];
    for (const name of names) {
      assert.ok(fixtureFiles.includes(`baileys-${name}.json`), name);
    }
  });

  for (const file of fixtureFiles) {
    const fixture = JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8")) as Fixture;
    it(`${file}: ${fixture.description}`, () => {
      const steps = fixture.steps ?? [{ event: fixture.event ?? "", payload: fixture.payload }];
      const events = steps.flatMap(run);
      assert.deepEqual(events, fixture.expected);
      for (const event of events) {
        EVENT_DATA_SCHEMAS[event.eventType].parse(event.eventData);
        EventEnvelope.parse(toEnvelope("ins_fixture", event, ctx.now));
      }
    });
  }

  it("reports message kinds WSAPI has no event for, instead of inventing one", () => {
    const location = revive({
      key: { remoteJid: "5511987654321@s.whatsapp.net", fromMe: false, id: "3EB0LOCATION00000001" },
      messageTimestamp: 1716080000,
      message: { locationMessage: { degreesLatitude: -23.55, degreesLongitude: -46.63 } },
    } as WAMessage);
    const mapped = mapMessage(location, ctx);
    assert.ok(mapped instanceof UnsupportedMessage);
    assert.equal(mapped.kind, "locationMessage");
    const stub = revive({
      key: { remoteJid: "120363025246125486@g.us", id: "3EB0STUB" },
      messageStubType: 20,
    } as WAMessage);
    assert.equal(mapMessage(stub, ctx), undefined);
  });

  it("has connection fixtures for pairing, a logout from the phone and a failed pairing", () => {
    assert.deepEqual(connectionFixtures.sort(), [
      "baileys-connection-pairing-failure.json",
      "baileys-connection.json",
    ]);
  });

  for (const file of connectionFixtures) {
    const fixture = JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8")) as {
      description: string;
      deviceId: string;
      steps: {
        update: Parameters<typeof reduceConnectionUpdate>[1];
        action: string;
        events: WhatsAppEvent[];
      }[];
    };
    it(`${file}: ${fixture.description}`, () => {
      let phase: SessionPhase = { loggedIn: false, pairing: false, apiLogout: false };
      for (const [index, step] of fixture.steps.entries()) {
        const result = reduceConnectionUpdate(phase, step.update, fixture.deviceId);
        assert.equal(result.action, step.action, `step ${index} action`);
        assert.deepEqual(result.events, step.events, `step ${index} events`);
        for (const event of result.events) EVENT_DATA_SCHEMAS[event.eventType].parse(event.eventData);
        phase = result.phase;
      }
      const last = fixture.steps.at(-1)?.events.at(-1)?.eventType;
      assert.equal(phase.loggedIn, last === "logged_in", "logged in exactly when the last step logged in");
    });
  }

  it("calls a 401 after an API logout api_logout, and a pairing failure login_error", () => {
    const loggedIn: SessionPhase = { loggedIn: true, pairing: false, apiLogout: true };
    const closed = {
      connection: "close" as const,
      lastDisconnect: {
        error: Object.assign(new Error("Intentional Logout"), { output: { statusCode: 401 } }),
        date: ctx.now,
      },
    };
    assert.deepEqual(reduceConnectionUpdate(loggedIn, closed, undefined).events, [
      { eventType: "logged_out", eventData: { reason: "api_logout" } },
    ]);
    const failed = {
      connection: "close" as const,
      lastDisconnect: {
        error: Object.assign(new Error("bad session"), { output: { statusCode: 500 } }),
        date: ctx.now,
      },
    };
    const result = reduceConnectionUpdate(
      { loggedIn: false, pairing: true, apiLogout: false },
      failed,
      undefined,
    );
    assert.deepEqual(result.events, [{ eventType: "login_error", eventData: { error: "bad session" } }]);
    assert.equal(result.action, "reconnect");
  });
});
