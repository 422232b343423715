// The Baileys side of Status: WhatsApp's privacy answer (recorded shape) → WSAPI's entries, the
// audience a post goes to, and what is handed to sendMessage for posts and revokes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { BinaryNode, WASocket } from "@whiskeysockets/baileys";
import { StatusPrivacy } from "@wsapi/contracts/status-api";
import {
  createBaileysStatus,
  mapStatusPrivacy,
  STATUS_PRIVACY_QUERY,
  statusAudience,
} from "../src/transport/baileys-status.js";
import { BaileysStore } from "../src/transport/baileys-store.js";

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/queries/baileys-status-privacy.json", import.meta.url), "utf8"),
) as { node: BinaryNode; expected: unknown };
const me = { id: "15550009999@s.whatsapp.net", lid: "99999999999999@lid" };
const contact = (phone: string, saved: boolean) => ({
  id: `${phone}@s.whatsapp.net`,
  phone,
  inPhoneAddressBook: saved,
});
const privacyNode = (type: string, users: string[]): BinaryNode => ({
  tag: "iq",
  attrs: {},
  content: [
    {
      tag: "privacy",
      attrs: {},
      content: [
        {
          tag: "list",
          attrs: { type, default: "true" },
          content: users.map((jid) => ({ tag: "user", attrs: { jid } })),
        },
      ],
    },
  ],
});

describe("Baileys status mapping", () => {
  it("maps WhatsApp's privacy lists to WSAPI's entries, every one valid", () => {
    const mapped = mapStatusPrivacy(fixture.node);
    assert.deepEqual(mapped, fixture.expected);
    for (const entry of mapped) StatusPrivacy.parse(entry);
  });

  it("sends to saved contacts, minus a blacklist, or only a whitelist; always to our own devices", () => {
    const contacts = [
      contact("5521912345678", true),
      contact("5531999998888", true),
      contact("5541000000000", false),
    ];
    const all = statusAudience([{ type: "contacts", list: [], isDefault: true }], contacts, me);
    assert.deepEqual(all, [me.id, "5521912345678@s.whatsapp.net", "5531999998888@s.whatsapp.net"]);
    const black = statusAudience(
      [{ type: "blacklist", list: ["5521912345678@s.whatsapp.net"], isDefault: true }],
      contacts,
      me,
    );
    assert.deepEqual(black, [me.id, "5531999998888@s.whatsapp.net"]);
    const white = statusAudience(
      [{ type: "whitelist", list: ["5541000000000:3@s.whatsapp.net"], isDefault: true }],
      contacts,
      me,
    );
    assert.deepEqual(white, [me.id, "5541000000000@s.whatsapp.net"]);
  });

  it("posts to status@broadcast with the audience, and revokes with our own key", async () => {
    const sent: { jid: string; content: Record<string, unknown>; options: Record<string, unknown> }[] = [];
    const queries: BinaryNode[] = [];
    const socket = {
      query: async (node: BinaryNode) => {
        queries.push(node);
        return privacyNode("whitelist", ["5521912345678@s.whatsapp.net"]);
      },
      sendMessage: async (
        jid: string,
        content: Record<string, unknown>,
        options: Record<string, unknown>,
      ) => {
        sent.push({ jid, content, options });
        return { key: { id: "3EB0STATUS0001" } };
      },
    } as unknown as WASocket;
    const status = createBaileysStatus(
      () => socket,
      new BaileysStore(),
      () => me,
    );
    assert.equal(await status.post({ kind: "text", text: "hello" }), "3EB0STATUS0001");
    const image = Buffer.from("jpeg");
    await status.post({
      kind: "media",
      mediaType: "image",
      bytes: image,
      mimeType: "image/jpeg",
      caption: "c",
    });
    await status.revoke("3EB0STATUS0001");
    assert.deepEqual(queries[0], STATUS_PRIVACY_QUERY);
    const audience = [me.id, "5521912345678@s.whatsapp.net"];
    assert.deepEqual(sent[0], {
      jid: "status@broadcast",
      content: { text: "hello" },
      options: { statusJidList: audience, broadcast: true, backgroundColor: "#FF128C7E", font: 1 },
    });
    assert.deepEqual(sent[1]?.content, { image, mimetype: "image/jpeg", caption: "c" });
    assert.deepEqual(sent[2], {
      jid: "status@broadcast",
      content: { delete: { remoteJid: "status@broadcast", fromMe: true, id: "3EB0STATUS0001" } },
      options: { statusJidList: audience },
    });
  });

  it("turns WhatsApp's refusal into a transport error", async () => {
    const refusal = Object.assign(new Error("forbidden"), { output: { statusCode: 403 } });
    const socket = { query: async () => Promise.reject(refusal) } as unknown as WASocket;
    const status = createBaileysStatus(
      () => socket,
      new BaileysStore(),
      () => me,
    );
    await assert.rejects(status.privacy(), { name: "TransportError", kind: "forbidden" });
  });
});
