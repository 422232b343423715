// Recorded-shape Baileys answers (instance/test/fixtures/core/*.json) for blocklist, privacy, business
// profiles, join requests and history sync, through the pure mapping; every result must satisfy
// the route table's response schema or the event contract.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { proto, type WAMessage } from "@whiskeysockets/baileys";
import { EVENT_DATA_SCHEMAS, type WhatsAppEvent } from "@wsapi/contracts/events";
import { INSTANCE_OPERATIONS } from "@wsapi/contracts/routes";
import type { z } from "zod";
import { groupInfo } from "../src/transport/baileys-actions.js";
import { BaileysHistory } from "../src/transport/baileys-history.js";
import type { MappingContext } from "../src/transport/baileys-mapping.js";
import {
  mapBlocklist,
  mapBusinessProfile,
  mapHistoryMessages,
  mapJoinRequests,
  mapPrivacySettings,
} from "../src/transport/baileys-mapping-core.js";
import { BaileysStore } from "../src/transport/baileys-store.js";
import { HISTORY_CHUNK } from "../src/transport/history-hold.js";

const FIXTURES = new URL("./fixtures/core/", import.meta.url);
const ctx: MappingContext = {
  me: { id: "15550009999@s.whatsapp.net", lid: "99999999999999@lid" },
  now: new Date("2024-05-19T01:00:00.000Z"),
};

interface Fixture {
  description: string;
  call: string;
  syncType?: number;
  /** The instance's `historySync` setting. */
  historySync?: boolean;
  /** Then /session/flush-history. */
  flush?: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: recorded JSON, shaped per call
  payload: any;
  expected: unknown;
}

interface HistorySetJson {
  messages: { key: WAMessage["key"] }[];
  syncType?: number;
  progress?: number | null;
  isLatest?: boolean;
}

const responseOf = (operationId: keyof typeof INSTANCE_OPERATIONS) =>
  INSTANCE_OPERATIONS[operationId].response as z.ZodType;

function revive(json: { key: WAMessage["key"] }): WAMessage {
  return Object.assign(proto.WebMessageInfo.fromObject(json), { key: { ...json.key } }) as WAMessage;
}

function run(fixture: Fixture): unknown {
  switch (fixture.call) {
    case "fetchBlocklist":
      return responseOf("getBlocklist").parse(mapBlocklist(fixture.payload));
    case "fetchPrivacySettings":
      return responseOf("getPrivacySettings").parse(mapPrivacySettings(fixture.payload));
    case "getBusinessProfile":
      return responseOf("getChatBusinessProfile").parse(mapBusinessProfile(fixture.payload));
    case "groupRequestParticipantsList":
      return responseOf("getGroupRequests").parse(mapJoinRequests(fixture.payload, ctx.now));
    case "groupMetadata":
      return responseOf("getGroup").parse(groupInfo(fixture.payload));
    case "chats.upsert": {
      const store = new BaileysStore();
      store.onChatsUpsert(fixture.payload);
      return responseOf("listChats").parse(store.listChats());
    }
    case "messaging-history.set": {
      // Either the messages alone (with `syncType` beside them) or a list of whole recorded payloads.
      const sets: HistorySetJson[] = Array.isArray(fixture.payload)
        ? [{ messages: fixture.payload, syncType: fixture.syncType }]
        : fixture.payload.sets;
      const history = new BaileysHistory(() => fixture.historySync === true);
      const events = sets.flatMap((set) => {
        assert.equal(history.wants(set.syncType), fixture.historySync === true || set.syncType === 6);
        return history.onHistorySet({ ...set, messages: set.messages.map(revive) }, ctx);
      });
      if (fixture.flush) events.push(...history.flush(ctx));
      for (const event of events) EVENT_DATA_SCHEMAS[event.eventType].parse(event.eventData);
      return events;
    }
    default:
      throw new Error(`fixture uses an unmapped call: ${fixture.call}`);
  }
}

describe("Baileys mapping of core operations (recorded-shape fixtures)", () => {
  for (const file of readdirSync(FIXTURES).filter((name) => name.endsWith(".json"))) {
    const fixture = JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8")) as Fixture;
    it(`${file}: ${fixture.description}`, () => {
      assert.deepEqual(run(fixture), fixture.expected);
    });
  }

  it("holds history that was not asked for until a flush, and drops it after an hour", () => {
    let now = Date.parse("2024-05-19T01:00:00.000Z");
    const history = new BaileysHistory(
      () => true,
      () => now,
    );
    const message = revive({
      key: { remoteJid: "5511987654321@s.whatsapp.net", fromMe: false, id: "3EB0RECENT0000000001" },
      messageTimestamp: 1716080000,
      message: { conversation: "recent" },
    } as WAMessage);
    const RECENT = 3;
    assert.deepEqual(
      history.onHistorySet({ messages: [message], syncType: RECENT }, ctx),
      [],
      "held, not sent",
    );
    const flushed = history.flush(ctx);
    assert.equal(flushed.length, 1);
    assert.equal(flushed[0]?.eventType, "message_history_sync");
    assert.deepEqual(history.flush(ctx), [], "a flush forgets what it sent");

    history.onHistorySet({ messages: [message], syncType: RECENT }, ctx);
    now += 3_600_001;
    assert.deepEqual(history.flush(ctx), [], "expired after an hour");
  });

  it("chunks a long chat at 500 messages per event", () => {
    const messages = Array.from({ length: HISTORY_CHUNK + 1 }, (_, n) =>
      revive({
        key: {
          remoteJid: "5511987654321@s.whatsapp.net",
          fromMe: false,
          id: `3EB0CHUNK${String(n).padStart(11, "0")}`,
        },
        messageTimestamp: 1716080000 + n,
        message: { conversation: `m${n}` },
      } as WAMessage),
    );
    const events = mapHistoryMessages(messages, ctx) as Extract<
      WhatsAppEvent,
      { eventType: "message_history_sync" }
    >[];
    assert.deepEqual(
      events.map((event) => event.eventData.messages?.length),
      [HISTORY_CHUNK, 1],
    );
  });
});
