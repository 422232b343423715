// Groups, presence, calls, profiles and logout on the simulated network, through the instance API.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { waitFor } from "../../test/support/wait.js";
import { type InstanceClient, pairByQr, simulatorCall } from "./support/instances.js";
import { jid, startTestNetwork, type TestNetwork } from "./support/network.js";

const PHONE_A = "15560000001";
const PHONE_B = "15560000002";
const PHONE_C = "15560000003";
const OUTSIDE = "15569990000";

describe("simulated network: groups, presence, calls, profiles, logout", () => {
  let net: TestNetwork;
  let a: InstanceClient;
  let b: InstanceClient;
  let c: InstanceClient;
  const waitEvent: TestNetwork["waitEvent"] = (...args) => net.waitEvent(...args);

  before(async () => {
    net = await startTestNetwork(["ins_a", "ins_b", "ins_c"]);
    [a, b, c] = ["ins_a", "ins_b", "ins_c"].map((id) => net.clients.get(id)!) as [
      InstanceClient,
      InstanceClient,
      InstanceClient,
    ];
    await pairByQr(a, net.simulator.url, PHONE_A);
    await pairByQr(b, net.simulator.url, PHONE_B);
  });

  after(() => net.close());

  it("runs a group: create, add, promote, message, rename, leave", async () => {
    await pairByQr(c, net.simulator.url, PHONE_C);
    const { id: groupId } = await a.json<{ id: string }>(
      "POST",
      "/groups",
      { name: "Team", participants: [jid(PHONE_B)] },
      201,
    );
    await waitEvent("ins_b", "group", (d) => d.id === groupId && d.groupType === "new");
    const add = { participants: [jid(PHONE_C)], action: "add" };
    assert.equal((await a.call("PUT", `/groups/${groupId}/participants`, add)).status, 204);
    await waitEvent("ins_c", "group", (d) => d.id === groupId && Array.isArray(d.join));
    const promote = { participants: [jid(PHONE_B)], action: "promote" };
    assert.equal((await a.call("PUT", `/groups/${groupId}/participants`, promote)).status, 204);
    const { id } = await c.json<{ id: string }>(
      "POST",
      "/messages/text",
      { to: groupId, text: "hi team" },
      201,
    );
    const atB = await waitEvent("ins_b", "message", (d) => d.id === id);
    const data = atB.eventData as { chatId: string; isGroup: boolean; sender: { id: string } };
    assert.deepEqual([data.chatId, data.isGroup, data.sender.id], [groupId, true, jid(PHONE_C)]);
    assert.equal((await c.call("PUT", `/groups/${groupId}/name`, { name: "Renamed" })).status, 204);
    await waitEvent("ins_a", "group", (d) => (d.name as { name?: string } | undefined)?.name === "Renamed");
    const denied = await c.call("PUT", `/groups/${groupId}/participants`, {
      participants: [jid(PHONE_B)],
      action: "remove",
    });
    assert.equal(denied.status, 403);
    const info = await a.json<{ participants: { id: string; isAdmin: boolean }[] }>(
      "GET",
      `/groups/${groupId}`,
    );
    assert.deepEqual(info.participants.map((p) => [p.id, p.isAdmin]).sort(), [
      [jid(PHONE_A), true],
      [jid(PHONE_B), true],
      [jid(PHONE_C), false],
    ]);
    const { link } = await a.json<{ link: string }>("GET", `/groups/${groupId}/invite-link`);
    assert.match(link, /^https:\/\/chat\.whatsapp\.com\/\w+$/);
    assert.equal((await c.call("POST", `/groups/${groupId}/leave`)).status, 204);
    await waitEvent("ins_b", "group", (d) => Array.isArray(d.leave));
    assert.ok((await a.json<{ groupId: string }[]>("GET", "/groups")).some((g) => g.groupId === groupId));
  });

  it("relays typing presence and call offers; rejecting a call ends it", async () => {
    assert.equal((await a.call("PUT", `/chats/${jid(PHONE_B)}/presence`, { state: "typing" })).status, 204);
    const presence = await waitEvent("ins_b", "chat_presence");
    assert.deepEqual(presence.eventData, {
      id: jid(PHONE_A),
      sender: { id: jid(PHONE_A), phone: PHONE_A, isMe: false },
      state: "typing",
    });
    const call = await simulatorCall(net.simulator.url, "POST", `/v1/phones/${OUTSIDE}/calls`, {
      to: jid(PHONE_A),
    });
    const { id: callId } = (await call.json()) as { id: string };
    await waitEvent("ins_a", "call_offer", (d) => d.id === callId);
    assert.equal((await a.call("POST", `/calls/${callId}/reject`, { callerId: jid(OUTSIDE) })).status, 204);
    const ended = await waitEvent("ins_a", "call_terminate", (d) => d.id === callId);
    assert.equal((ended.eventData as { reason: string }).reason, "rejected");
  });

  it("reports a call the callee answers on its phone as call_accept; it then no longer rings", async () => {
    const call = await simulatorCall(net.simulator.url, "POST", `/v1/phones/${OUTSIDE}/calls`, {
      to: jid(PHONE_A),
      isVideo: true,
    });
    const { id: callId } = (await call.json()) as { id: string };
    await waitEvent("ins_a", "call_offer", (d) => d.id === callId);
    const wrongPhone = await simulatorCall(
      net.simulator.url,
      "POST",
      `/v1/phones/${PHONE_B}/calls/${callId}/accept`,
    );
    assert.equal(wrongPhone.status, 404, "only the callee can answer");
    const answered = await simulatorCall(
      net.simulator.url,
      "POST",
      `/v1/phones/${PHONE_A}/calls/${callId}/accept`,
    );
    assert.equal(answered.status, 204);
    const accepted = await waitEvent("ins_a", "call_accept", (d) => d.id === callId);
    const { time, ...rest } = accepted.eventData as { time: string };
    assert.deepEqual(rest, { id: callId, caller: { id: jid(OUTSIDE), phone: OUTSIDE } });
    assert.ok(Math.abs(Date.parse(time) - Date.now()) < 60_000);
    const again = await simulatorCall(
      net.simulator.url,
      "POST",
      `/v1/phones/${PHONE_A}/calls/${callId}/accept`,
    );
    assert.equal(again.status, 400);
    assert.equal((await a.call("POST", `/calls/${callId}/reject`, { callerId: jid(OUTSIDE) })).status, 400);
    assert.equal(net.eventsOf("ins_a", "call_terminate", (d) => d.id === callId).length, 0);
  });

  it("answers profile, contacts and user checks", async () => {
    const me = await a.json<{ id: string; phone: string }>("GET", "/users/me/profile");
    assert.deepEqual([me.id, me.phone], [jid(PHONE_A), PHONE_A]);
    const checks = await a.json<{ query: string; isInWhatsApp: boolean }[]>("POST", "/users/check", {
      phones: [PHONE_B, "+15551234567"],
    });
    assert.deepEqual(
      checks.map((check) => [check.query, check.isInWhatsApp]),
      [
        [PHONE_B, true],
        ["15551234567", false],
      ],
    );
    assert.equal((await a.call("POST", "/contacts", { id: PHONE_B, fullName: "Bea" })).status, 204);
    const contact = await a.json<{ fullName: string }>("GET", `/contacts/${jid(PHONE_B)}`);
    assert.equal(contact.fullName, "Bea");
  });

  it("logs out by API: 204, logged_out event, fresh QR, session cleared", async () => {
    assert.equal((await c.call("POST", "/session/logout")).status, 204);
    const event = await waitEvent("ins_c", "logged_out");
    assert.equal((event.eventData as { reason: string }).reason, "api_logout");
    await waitFor(
      async () => (await c.call("GET", "/session/qr/text")).status === 200,
      "a new QR after logout",
    );
    const { health, ...wsapiFields } = await c.status();
    assert.deepEqual(wsapiFields, { isConnected: true, isLoggedIn: false });
    assert.equal(health?.state, "logged_out");
    await waitFor(
      () => net.control.sessionState("ins_c") === undefined || net.control.sessionState("ins_c") === "null",
      "cleared",
    );
    const allEvents = ["ins_a", "ins_b", "ins_c"].flatMap((id) => net.control.events(id));
    assert.equal(new Set(allEvents.map((e) => e.eventId)).size, allEvents.length, "no event delivered twice");
  });
});
