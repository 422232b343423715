import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { INSTANCE_OPERATIONS, type OperationId } from "@wsapi/contracts/routes";
import { HISTORY_SYNC_CLAIM } from "@wsapi/contracts/tokens";
import type { z } from "zod";
import { waitFor } from "../../test/support/wait.js";
import { InstanceClient, pairByQr } from "./support/instances.js";
import { startTestNetwork, type TestNetwork } from "./support/network.js";

// The simulated network's model behind the core operations (blocklist, privacy, pictures, business
// profiles, history, chat clear/delete, contact sync, group pictures, invites, join requests), in
// process through the instance API; test/integration/coreOperations.test.ts runs the same through
// the gateway. Every answer is held to the route table's status and response schema.
const digits = (prefix: string) => `${prefix}${Math.floor(1e6 + Math.random() * 8e6)}`;
const PHONE_A = digits("1561");
const PHONE_B = digits("1562");
const PHONE_C = digits("1563");
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
const PICTURE = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR8eHRoc";

// biome-ignore lint/suspicious/noExplicitAny: the route's own response schema parses it at run time
type Parsed = any;

describe("simulated network: core operations", () => {
  let net: TestNetwork;
  let simulator = "";
  const json = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(url, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  const call = async (operationId: OperationId, instanceId: string, path: string, body?: unknown) => {
    const route = INSTANCE_OPERATIONS[operationId];
    const client = net.clients.get(instanceId) as InstanceClient;
    const response = await client.call(route.method, path, body);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, route };
  };
  /** Calls the operation and checks the answer against the route table: status, then body schema. */
  const ok = async (
    operationId: OperationId,
    instanceId: string,
    path: string,
    body?: unknown,
  ): Promise<Parsed> => {
    const answer = await call(operationId, instanceId, path, body);
    assert.equal(answer.status, answer.route.success, `${operationId}: ${JSON.stringify(answer.body)}`);
    const schema = answer.route.response;
    if (schema && !("binary" in schema)) return (schema as z.ZodType).parse(answer.body);
    assert.equal(answer.body, undefined, `${operationId} answers no body`);
    return undefined;
  };
  const eventsOf = (instanceId: string, eventType: string) =>
    net.eventsOf(instanceId, eventType).map((e) => e.eventData as Record<string, unknown>);
  const text = async (from: string, to: string, body: string) =>
    (await ok("sendText", from, "/messages/text", { to: jid(to), text: body })) as { id: string };
  const outside = async (to: string, body: string) => {
    const sent = await json("POST", `${simulator}/v1/phones/${PHONE_C}/messages`, { to, text: body });
    assert.equal(sent.status, 201);
    return String(sent.body.id);
  };
  const arrived = (instanceId: string, body: string) =>
    waitFor(
      async () => eventsOf(instanceId, "message").find((m) => m.text === body),
      `"${body}" at ${instanceId}`,
    );

  before(async () => {
    net = await startTestNetwork(["core-a", "core-b"]);
    simulator = net.simulator.url;
    await pairByQr(net.clients.get("core-a") as InstanceClient, simulator, PHONE_A);
    await pairByQr(net.clients.get("core-b") as InstanceClient, simulator, PHONE_B);
  });

  after(() => net.close());

  it("reads and changes privacy settings; a value the setting does not take is a 400", async () => {
    const settings = await ok("getPrivacySettings", "core-a", "/users/me/privacy");
    assert.equal(settings.groupAdd, "all");
    assert.equal(settings.readReceipts, "all");
    const updated = await ok("setPrivacySetting", "core-a", "/users/me/privacy", {
      setting: "last",
      value: "contacts",
    });
    assert.equal(updated.lastSeen, "contacts");
    assert.equal(updated.groupAdd, "all", "the other settings are answered too");
    const wrong = await call("setPrivacySetting", "core-a", "/users/me/privacy", {
      setting: "readreceipts",
      value: "contacts",
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.code, "VALIDATION");
  });

  it("a blocked contact's messages are not delivered until it is unblocked", async () => {
    await ok("blockContact", "core-b", `/contacts/${jid(PHONE_A)}/block`);
    const blocklist = await ok("getBlocklist", "core-b", "/contacts/blocklist");
    assert.deepEqual(blocklist, [{ id: jid(PHONE_A), phone: PHONE_A }]);

    await text("core-a", PHONE_B, "while blocked");
    const inbox = await json("GET", `${simulator}/v1/phones/${PHONE_B}/messages`);
    const texts = (inbox.body as unknown as Array<{ text?: string }>).map((m) => m.text);
    assert.ok(!texts.includes("while blocked"), "the network did not deliver it to B's phone");
    // And nothing reached B's webhook by the time a later message from C did.
    await outside(PHONE_B, "after the blocked one");
    await arrived("core-b", "after the blocked one");
    assert.ok(!eventsOf("core-b", "message").some((m) => m.text === "while blocked"));
    const refused = await call("sendText", "core-b", "/messages/text", { to: jid(PHONE_A), text: "hi" });
    assert.equal(refused.status, 400, "sending to a contact you blocked is refused");

    await ok("unblockContact", "core-b", `/contacts/${jid(PHONE_A)}/unblock`);
    assert.deepEqual(await ok("getBlocklist", "core-b", "/contacts/blocklist"), []);
    await text("core-a", PHONE_B, "after unblocking");
    await arrived("core-b", "after unblocking");
  });

  it("answers a chat's picture, with a URL that serves it", async () => {
    assert.deepEqual(await ok("getChatPicture", "core-a", `/chats/${jid(PHONE_B)}/picture`), {});
    await ok("updateMyProfile", "core-b", "/users/me/profile", { picture: PICTURE });
    const picture = await ok("getChatPicture", "core-a", `/chats/${jid(PHONE_B)}/picture`);
    assert.ok(picture.pictureId && picture.pictureUrl, JSON.stringify(picture));
    const served = await fetch(picture.pictureUrl);
    assert.equal(served.status, 200);
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), Buffer.from(PICTURE, "base64"));
  });

  it("answers a business account's profile, and 404 for a personal one", async () => {
    const profile = {
      description: "Fresh bread daily",
      address: "1 Baker Street",
      email: "shop@example.com",
      website: "https://bakery.example.com",
      categories: [{ id: "133436743388217", name: "Bakery" }],
      businessHoursTimeZone: "Europe/London",
    };
    const put = await json("PUT", `${simulator}/v1/phones/${PHONE_C}/business`, profile);
    assert.equal(put.status, 204);
    const business = await ok("getChatBusinessProfile", "core-a", `/chats/${jid(PHONE_C)}/business`);
    assert.deepEqual(business, { id: jid(PHONE_C), ...profile });
    const personal = await call("getChatBusinessProfile", "core-a", `/chats/${jid(PHONE_B)}/business`);
    assert.equal(personal.status, 404);
  });

  it("delivers on-demand history", async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await text("core-a", PHONE_B, `history ${n}`)).id);
    const accepted = await ok("requestChatMessages", "core-a", `/chats/${jid(PHONE_B)}/messages`, {
      lastMessageId: ids[2],
      lastMessageSenderId: PHONE_A,
      count: 2,
    });
    assert.deepEqual(accepted, { status: "ok" });
    const page = await waitFor(
      async () => eventsOf("core-a", "message_history_sync").find((e) => e.chatId === jid(PHONE_B)),
      "the on-demand history",
    );
    const messages = page.messages as Array<{ id: string; text?: string }>;
    assert.deepEqual(
      messages.map((m) => m.id),
      ids.slice(0, 2),
      "the two messages before the last one, oldest first",
    );
    const unknown = await call("requestChatMessages", "core-a", `/chats/${jid(PHONE_B)}/messages`, {
      lastMessageId: "3EB0000000000000DEAD",
      lastMessageSenderId: jid(PHONE_A),
    });
    assert.equal(unknown.status, 404);
  });

  it("with historySync on, a new pairing holds the chats' history until a flush publishes it", async () => {
    const plain = net.clients.get("core-b") as InstanceClient;
    const synced = new InstanceClient(plain.baseUrl, net.keys, "core-b", { [HISTORY_SYNC_CLAIM]: true });
    const flushed = () => eventsOf("core-b", "message_history_sync").length;
    const flushedBefore = flushed();
    assert.equal((await synced.call("POST", "/session/logout")).status, 204);
    await waitFor(async () => !(await synced.status()).isLoggedIn || undefined, "logged out");
    await pairByQr(synced, simulator, PHONE_B);
    await waitFor(async () => eventsOf("core-b", "initial_sync_finished")[0], "initial_sync_finished");
    assert.equal(flushed(), flushedBefore, "held, not published");
    assert.deepEqual(await ok("flushHistory", "core-b", "/session/flush-history"), { status: "ok" });
    const page = await waitFor(
      async () =>
        eventsOf("core-b", "message_history_sync")
          .slice(flushedBefore)
          .find((e) => e.chatId === jid(PHONE_A)),
      "B's flushed history with A",
    );
    const texts = (page.messages as Array<{ text?: string }>).map((m) => m.text);
    assert.ok(texts.includes("history 3") && texts.includes("after unblocking"), JSON.stringify(texts));
    assert.ok(!texts.includes("while blocked"), "what a block kept from B is not in B's history");
    const published = flushed();
    await ok("flushHistory", "core-b", "/session/flush-history");
    await text("core-a", PHONE_B, "after the second flush");
    await arrived("core-b", "after the second flush");
    assert.equal(flushed(), published, "a flush forgets what it published");
  });

  it("with historySync off, a new pairing keeps no history and a flush publishes nothing", async () => {
    const plain = net.clients.get("core-b") as InstanceClient;
    const finished = eventsOf("core-b", "initial_sync_finished").length;
    const flushed = eventsOf("core-b", "message_history_sync").length;
    assert.equal((await plain.call("POST", "/session/logout")).status, 204);
    await waitFor(async () => !(await plain.status()).isLoggedIn || undefined, "logged out");
    await pairByQr(plain, simulator, PHONE_B);
    assert.deepEqual(await ok("flushHistory", "core-b", "/session/flush-history"), { status: "ok" });
    await text("core-a", PHONE_B, "after pairing without history");
    await arrived("core-b", "after pairing without history");
    assert.equal(eventsOf("core-b", "initial_sync_finished").length, finished);
    assert.equal(eventsOf("core-b", "message_history_sync").length, flushed);
  });

  it("deletes a message for me, clears a chat and deletes a chat", async () => {
    const first = await text("core-a", PHONE_B, "keep me");
    const second = await text("core-a", PHONE_B, "delete me for me");
    const third = await text("core-a", PHONE_B, "the last one");
    await ok("deleteMessageForMe", "core-a", `/messages/${second.id}/delete-for-me`, {
      chatId: jid(PHONE_B),
      senderId: jid(PHONE_A),
      isFromMe: true,
      timestamp: new Date().toISOString(),
    });
    const seen = eventsOf("core-a", "message_history_sync").length;
    await ok("requestChatMessages", "core-a", `/chats/${jid(PHONE_B)}/messages`, {
      lastMessageId: third.id,
      lastMessageSenderId: jid(PHONE_A),
      count: 2,
    });
    const page = await waitFor(
      async () => eventsOf("core-a", "message_history_sync").slice(seen)[0],
      "the history after delete-for-me",
    );
    const pageIds = (page.messages as Array<{ id: string }>).map((m) => m.id);
    assert.ok(pageIds.includes(first.id) && !pageIds.includes(second.id), JSON.stringify(pageIds));

    await ok("clearChat", "core-a", `/chats/${jid(PHONE_B)}/clear`);
    const cleared = await call("requestChatMessages", "core-a", `/chats/${jid(PHONE_B)}/messages`, {
      lastMessageId: third.id,
      lastMessageSenderId: jid(PHONE_A),
    });
    assert.equal(cleared.status, 404, "a cleared chat has no history left");
    await ok("getChatInfo", "core-a", `/chats/${jid(PHONE_B)}`);

    await outside(PHONE_A, "from C");
    await arrived("core-a", "from C");
    await ok("getChatInfo", "core-a", `/chats/${jid(PHONE_C)}`);
    await ok("deleteChat", "core-a", `/chats/${jid(PHONE_C)}`);
    const gone = await call("getChatInfo", "core-a", `/chats/${jid(PHONE_C)}`);
    assert.equal(gone.status, 404);
  });

  it("a contact sync sends the address book again as contact events", async () => {
    await ok("createContact", "core-a", "/contacts", { id: jid(PHONE_C), fullName: "Corner Bakery" });
    const before = eventsOf("core-a", "contact").length;
    await ok("syncContacts", "core-a", "/contacts/sync");
    const contact = await waitFor(
      async () =>
        eventsOf("core-a", "contact")
          .slice(before)
          .find((e) => (e.contact as { id?: string }).id === jid(PHONE_C)),
      "C's contact event",
    );
    assert.equal(contact.fullName, "Corner Bakery");
    assert.equal(contact.inPhoneAddressBook, true);
  });

  it("a presence subscription delivers user_presence, with last seen as privacy allows", async () => {
    await ok("subscribeChatPresence", "core-b", `/chats/${jid(PHONE_C)}/presence/subscribe`);
    await waitFor(
      async () =>
        eventsOf("core-b", "user_presence").find((e) => (e.user as { id: string }).id === jid(PHONE_C)),
      "C's current presence",
    );
    for (const presence of ["available", "unavailable"]) {
      assert.equal(
        (await json("PUT", `${simulator}/v1/phones/${PHONE_C}/presence`, { presence })).status,
        204,
      );
    }
    const offline = await waitFor(
      async () => eventsOf("core-b", "user_presence").find((e) => e.status === "unavailable" && e.lastSeen),
      "C offline with a last-seen time",
    );
    assert.ok(eventsOf("core-b", "user_presence").some((e) => e.status === "available"));
    assert.deepEqual(offline.user, { id: jid(PHONE_C), phone: PHONE_C });
  });

  describe("groups", () => {
    let groupId = "";
    let code = "";
    const participants = async () =>
      (
        (await ok("getGroupParticipants", "core-a", `/groups/${groupId}/participants`)) as Array<{
          id: string;
        }>
      ).map((p) => p.id);

    before(async () => {
      const created = await ok("createGroup", "core-a", "/groups", {
        name: "Core ops",
        participants: [jid(PHONE_B)],
      });
      groupId = created.id;
      const link = await ok("getGroupInviteLink", "core-a", `/groups/${groupId}/invite-link`);
      code = link.link.split("/").pop() ?? "";
    });

    it("sets the group picture; members see its id", async () => {
      const set = await ok("setGroupPicture", "core-a", `/groups/${groupId}/picture`, { data: PICTURE });
      assert.ok(set.pictureId);
      const seen = await ok("getChatPicture", "core-b", `/chats/${groupId}/picture`);
      assert.equal(seen.pictureId, set.pictureId);
      const event = await waitFor(
        async () => eventsOf("core-b", "chat_picture").find((e) => e.id === groupId),
        "B's chat_picture event",
      );
      assert.equal(event.pictureId, set.pictureId);
    });

    it("previews a group from its invite code; an unknown code is a 404", async () => {
      const info = await ok("getGroupInfoFromLink", "core-b", `/groups/invite/${code}`);
      assert.equal(info.groupId, groupId);
      assert.equal(info.name, "Core ops");
      const unknown = await call("getGroupInfoFromLink", "core-b", "/groups/invite/NoSuchCode0000");
      assert.equal(unknown.status, 404);
    });

    it("with join approval on, a link join waits for an admin to approve it", async () => {
      await ok("setGroupJoinApproval", "core-a", `/groups/${groupId}/settings/join-approval`, {
        enabled: true,
      });
      await ok("leaveGroup", "core-b", `/groups/${groupId}/leave`);
      const joined = await ok("joinGroupWithLink", "core-b", "/groups/join/link", { code });
      assert.equal(joined.id, groupId);
      assert.ok(!(await participants()).includes(jid(PHONE_B)), "not a member before approval");
      const requests = await ok("getGroupRequests", "core-a", `/groups/${groupId}/requests`);
      assert.equal(requests.length, 1);
      assert.equal(requests[0]?.user.id, jid(PHONE_B));
      assert.ok(requests[0]?.requestedAt);
      await ok("updateGroupRequests", "core-a", `/groups/${groupId}/requests`, {
        participants: [jid(PHONE_B)],
        action: "approve",
      });
      assert.ok((await participants()).includes(jid(PHONE_B)));
      assert.deepEqual(await ok("getGroupRequests", "core-a", `/groups/${groupId}/requests`), []);
      const notAdmin = await call("getGroupRequests", "core-b", `/groups/${groupId}/requests`);
      assert.equal(notAdmin.status, 403);
    });

    it("when privacy stops an add, the invite sent instead joins the group", async () => {
      await ok("setPrivacySetting", "core-b", "/users/me/privacy", {
        setting: "groupadd",
        value: "contacts",
      });
      await ok("leaveGroup", "core-b", `/groups/${groupId}/leave`);
      await ok("updateGroupParticipants", "core-a", `/groups/${groupId}/participants`, {
        participants: [jid(PHONE_B)],
        action: "add",
      });
      assert.ok(!(await participants()).includes(jid(PHONE_B)), "B's privacy kept A from adding B");
      const inbox = await json("GET", `${simulator}/v1/phones/${PHONE_B}/messages`);
      const invite = (
        inbox.body as unknown as Array<{
          type: string;
          invite?: { groupId: string; code: string; expiration: number };
        }>
      )
        .filter((m) => m.type === "groupInvite" && m.invite?.groupId === groupId)
        .pop()?.invite;
      assert.ok(invite, "B received an invite in a direct message");
      const wrong = await call("joinGroupWithInvite", "core-b", "/groups/join/invite", {
        groupId,
        inviterId: jid(PHONE_C),
        code: invite.code,
      });
      assert.equal(wrong.status, 404, "the invite names its inviter");
      await ok("joinGroupWithInvite", "core-b", "/groups/join/invite", {
        groupId,
        inviterId: jid(PHONE_A),
        code: invite.code,
        expiration: invite.expiration,
      });
      assert.ok((await participants()).includes(jid(PHONE_B)));
    });
  });
});
