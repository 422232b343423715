import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CommunityInfo, CommunitySubGroup, PictureIdResponse } from "@wsapi/contracts/community-api";
import { CreatedResponse, Identity, InviteLinkResponse } from "@wsapi/contracts/instance-api";
import { z } from "zod";
import { startReceiver } from "../support/receiver.js";
import { json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Communities through the gateway on the simulated network: A creates one with B, runs its members,
// settings, invite link and groups; B sees it, gets its group events as webhooks, and leaves.
const { gateway } = stack();
const PHONE_A = `1562${Math.floor(1e6 + Math.random() * 8e6)}`;
const PHONE_B = `1563${Math.floor(1e6 + Math.random() * 8e6)}`;
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

describe("communities through the gateway", () => {
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let communityId: string;
  const as = (instanceId: string) => ({ "x-api-key": tenant.accountKey, "x-instance-id": instanceId });
  const call = (instanceId: string, method: string, path: string, body?: unknown) =>
    json(method, `${gateway}${path}`, body, as(instanceId));
  const groupEventAtB = (match: (data: Record<string, unknown>) => boolean) =>
    waitFor(
      async () =>
        receiver.received.find(
          (r) => r.json?.instanceId === "comm-b" && r.json.eventType === "group" && match(r.json.eventData),
        ),
      "group event at B",
    );

  before(async () => {
    receiver = await startReceiver();
    tenant = await createTenant("communities", ["comm-a", "comm-b"]);
    const put = await json(
      "PUT",
      `${gateway}/account/instances/comm-b/settings`,
      { webhookUrl: receiver.url },
      { "x-api-key": tenant.accountKey },
    );
    assert.equal(put.status, 204);
    await pairInstance(tenant.accountKey, "comm-a", PHONE_A);
    await pairInstance(tenant.accountKey, "comm-b", PHONE_B);
  });

  after(() => receiver.close());

  it("POST /communities: 201 {id}; GET /communities and /communities/{id}: 200 with B in it", async () => {
    const created = await call("comm-a", "POST", "/communities", {
      name: "Residents",
      participants: [jid(PHONE_B)],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    communityId = CreatedResponse.parse(created.body).id;
    await groupEventAtB((d) => d.id === communityId && d.isCommunity === true);
    const listed = await call("comm-b", "GET", "/communities");
    assert.equal(listed.status, 200);
    assert.deepEqual(
      z
        .array(CommunityInfo)
        .parse(listed.body)
        .map((c) => c.communityId),
      [communityId],
    );
    const info = await call("comm-b", "GET", `/communities/${communityId}`);
    assert.equal(info.status, 200);
    const community = CommunityInfo.parse(info.body);
    assert.deepEqual([community.name, community.isLocked], ["Residents", false]);
    const people = await call("comm-a", "GET", `/communities/${communityId}/participants`);
    assert.equal(people.status, 200);
    assert.deepEqual(
      z
        .array(Identity)
        .parse(people.body)
        .map((p) => p.id)
        .sort(),
      [jid(PHONE_A), jid(PHONE_B)].sort(),
    );
    const missing = await call("comm-a", "GET", "/communities/120363000000000009@g.us");
    assert.equal(missing.status, 404);
  });

  it("PUT name, description, settings/locked and participants: 204 each", async () => {
    assert.equal(
      (await call("comm-a", "PUT", `/communities/${communityId}/name`, { name: "Block 7" })).status,
      204,
    );
    const description = { description: "Residents of block 7" };
    assert.equal(
      (await call("comm-a", "PUT", `/communities/${communityId}/description`, description)).status,
      204,
    );
    const locked = await call("comm-a", "PUT", `/communities/${communityId}/settings/locked`, {
      enabled: true,
    });
    assert.equal(locked.status, 204);
    await groupEventAtB((d) => (d.locked as { isLocked?: boolean } | undefined)?.isLocked === true);
    const refused = await call("comm-b", "PUT", `/communities/${communityId}/name`, { name: "Mine" });
    assert.equal(refused.status, 403, "locked: only admins edit");
    const promote = { participants: [jid(PHONE_B)], action: "promote" };
    assert.equal(
      (await call("comm-a", "PUT", `/communities/${communityId}/participants`, promote)).status,
      204,
    );
    const picture = await call("comm-a", "POST", `/communities/${communityId}/picture`, {
      data: "/9j/4AAQSkZJRg==",
    });
    assert.equal(picture.status, 200);
    PictureIdResponse.parse(picture.body);
    const info = CommunityInfo.parse((await call("comm-a", "GET", `/communities/${communityId}`)).body);
    assert.deepEqual([info.name, info.description, info.isLocked], ["Block 7", "Residents of block 7", true]);
    assert.equal(info.participants.find((p) => p.id === jid(PHONE_B))?.isAdmin, true);
  });

  it("GET invite-link and POST invite-link/reset: 200 {link}, a new link on reset", async () => {
    const link = await call("comm-a", "GET", `/communities/${communityId}/invite-link`);
    assert.equal(link.status, 200);
    const reset = await call("comm-a", "POST", `/communities/${communityId}/invite-link/reset`);
    assert.equal(reset.status, 200);
    assert.notEqual(InviteLinkResponse.parse(reset.body).link, InviteLinkResponse.parse(link.body).link);
  });

  it("creates, links and unlinks groups: 201, 204, 204; GET groups shows the announcement group", async () => {
    const sub = await call("comm-a", "POST", `/communities/${communityId}/groups`, { name: "Parking" });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const subId = CreatedResponse.parse(sub.body).id;
    const plain = await call("comm-a", "POST", "/groups", { name: "Garden", participants: [jid(PHONE_B)] });
    const groupId = CreatedResponse.parse(plain.body).id;
    const linked = await call("comm-a", "POST", `/communities/${communityId}/groups/link`, { groupId });
    assert.equal(linked.status, 204);
    await groupEventAtB(
      (d) => d.id === groupId && (d.link as { type?: string } | undefined)?.type === "parent_group",
    );
    const groups = await call("comm-b", "GET", `/communities/${communityId}/groups`);
    assert.equal(groups.status, 200);
    const parsed = z.array(CommunitySubGroup).parse(groups.body);
    assert.equal(parsed.filter((g) => g.isAnnouncementGroup).length, 1);
    assert.deepEqual(
      parsed
        .filter((g) => !g.isAnnouncementGroup)
        .map((g) => g.groupId)
        .sort(),
      [groupId, subId].sort(),
    );
    const unlinked = await call("comm-a", "DELETE", `/communities/${communityId}/groups/${groupId}`);
    assert.equal(unlinked.status, 204);
    const after = z
      .array(CommunitySubGroup)
      .parse((await call("comm-a", "GET", `/communities/${communityId}/groups`)).body);
    assert.ok(!after.some((g) => g.groupId === groupId));
  });

  it("POST /communities/{id}/leave: 204, and B no longer lists it", async () => {
    assert.equal((await call("comm-b", "POST", `/communities/${communityId}/leave`)).status, 204);
    assert.deepEqual((await call("comm-b", "GET", "/communities")).body, []);
    assert.equal((await call("comm-b", "GET", `/communities/${communityId}`)).status, 404);
  });
});
