// The Baileys side of Newsletters: WhatsApp's answers (recorded shapes) → WSAPI's NewsletterInfo,
// the followed-list query, and the newsletter events the adapter reports after its own changes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { BinaryNode, WASocket } from "@whiskeysockets/baileys";
import type { WhatsAppEvent } from "@wsapi/contracts/events";
import { NewsletterInfo } from "@wsapi/contracts/newsletter-api";
import {
  createBaileysNewsletters,
  mapNewsletter,
  mapSubscribedNewsletters,
  type RawNewsletter,
  SUBSCRIBED_NEWSLETTERS_QUERY_ID,
} from "../src/transport/baileys-newsletters.js";

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/queries/baileys-newsletters.json", import.meta.url), "utf8"),
);
const resultNode = (data: unknown): BinaryNode => ({
  tag: "iq",
  attrs: { type: "result" },
  content: [{ tag: "result", attrs: {}, content: Buffer.from(JSON.stringify(data)) }],
});

describe("Baileys newsletter mapping", () => {
  it("maps the raw GraphQL thread and Baileys' flattened create answer to NewsletterInfo", () => {
    for (const name of ["metadata", "created"]) {
      const mapped = mapNewsletter(fixture[name].raw as RawNewsletter);
      assert.deepEqual(mapped, fixture[name].expected, name);
      NewsletterInfo.parse(mapped);
    }
  });

  it("lists followed newsletters with whatsmeow's mex query", async () => {
    const queries: BinaryNode[] = [];
    const socket = {
      generateMessageTag: () => "tag-1",
      query: async (node: BinaryNode) => {
        queries.push(node);
        return resultNode(fixture.subscribed);
      },
    } as unknown as WASocket;
    const newsletters = createBaileysNewsletters(
      () => socket,
      () => {},
    );
    assert.deepEqual(await newsletters.list(), fixture.subscribedExpected);
    const query = (queries[0]!.content as BinaryNode[])[0]!;
    assert.deepEqual(
      [queries[0]?.attrs.xmlns, query.attrs.query_id],
      ["w:mex", SUBSCRIBED_NEWSLETTERS_QUERY_ID],
    );
    assert.deepEqual(JSON.parse(Buffer.from(query.content as Uint8Array).toString()), { variables: {} });
    assert.throws(() => mapSubscribedNewsletters(resultNode({ errors: [{ message: "nope" }] })), {
      kind: "rejected",
    });
  });

  it("creates with a picture, follows, mutes and unfollows, reporting each as WSAPI's newsletter event", async () => {
    const calls: string[] = [];
    const events: WhatsAppEvent[] = [];
    const id = "120363144038483540@newsletter";
    const socket = {
      newsletterCreate: async (name: string, description?: string) => {
        calls.push(`create ${name} ${description}`);
        return fixture.created.raw;
      },
      newsletterUpdatePicture: async (jid: string, picture: Buffer) =>
        void calls.push(`picture ${jid} ${picture.length}`),
      newsletterFollow: async (jid: string) => void calls.push(`follow ${jid}`),
      newsletterUnfollow: async (jid: string) => void calls.push(`unfollow ${jid}`),
      newsletterMute: async (jid: string) => void calls.push(`mute ${jid}`),
      newsletterUnmute: async (jid: string) => void calls.push(`unmute ${jid}`),
      newsletterMetadata: async (type: string, key: string) => {
        calls.push(`metadata ${type} ${key}`);
        return key === id ? fixture.metadata.raw : null;
      },
    } as unknown as WASocket;
    const newsletters = createBaileysNewsletters(
      () => socket,
      (event) => events.push(event),
    );
    assert.equal(
      await newsletters.create({ name: "Team updates", description: "d", picture: Buffer.from("jpeg") }),
      "120363301234567890@newsletter",
    );
    await newsletters.setSubscribed(id, true);
    await newsletters.setMuted(id, true);
    await newsletters.setMuted(id, false);
    await newsletters.setSubscribed(id, false);
    assert.equal(await newsletters.get("120363000000000000@newsletter"), undefined);
    assert.equal((await newsletters.byInviteCode("0029Va4K0PZ5a245NkngBA2M"))?.id, undefined);
    assert.deepEqual(calls, [
      "create Team updates d",
      "picture 120363301234567890@newsletter 4",
      `follow ${id}`,
      `metadata jid ${id}`,
      `mute ${id}`,
      `unmute ${id}`,
      `unfollow ${id}`,
      "metadata jid 120363000000000000@newsletter",
      "metadata invite 0029Va4K0PZ5a245NkngBA2M",
    ]);
    assert.deepEqual(events, [
      { eventType: "newsletter", eventData: { id, action: "join", name: "WhatsApp", role: "SUBSCRIBER" } },
      { eventType: "newsletter", eventData: { id, action: "mute", mute: "MUTED" } },
      { eventType: "newsletter", eventData: { id, action: "mute", mute: "UNMUTED" } },
      { eventType: "newsletter", eventData: { id, action: "leave", role: "SUBSCRIBER" } },
    ]);
  });

  it("answers an unknown newsletter as absent, not as an error", async () => {
    const missing = Object.assign(new Error("not found"), { output: { statusCode: 404 } });
    const socket = { newsletterMetadata: async () => Promise.reject(missing) } as unknown as WASocket;
    assert.equal(
      await createBaileysNewsletters(
        () => socket,
        () => {},
      ).get("1203630@newsletter"),
      undefined,
    );
  });
});
