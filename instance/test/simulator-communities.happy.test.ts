// Communities on the simulated network, through the instance API: a community with its
// announcement group, members, admins, locked mode, invite links and linked sub-groups.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CommunityInfo, CommunitySubGroup } from "@wsapi/contracts/community-api";
import { GroupInfo } from "@wsapi/contracts/instance-api";
import { type InstanceClient, pairByQr } from "./support/instances.js";
import { jid, startTestNetwork, type TestNetwork } from "./support/network.js";

const PHONE_A = "15563000001";
const PHONE_B = "15563000002";
const PHONE_C = "15563000003";

describe("simulated network: communities", () => {
  let net: TestNetwork;
  let a: InstanceClient;
  let b: InstanceClient;
  let c: InstanceClient;
  let communityId: string;

  before(async () => {
    net = await startTestNetwork(["cm_a", "cm_b", "cm_c"]);
    [a, b, c] = ["cm_a", "cm_b", "cm_c"].map((id) => net.clients.get(id)!) as [
      InstanceClient,
      InstanceClient,
      InstanceClient,
    ];
    await pairByQr(a, net.simulator.url, PHONE_A);
    await pairByQr(b, net.simulator.url, PHONE_B);
    await pairByQr(c, net.simulator.url, PHONE_C);
  });

  after(() => net.close());

  it("creates a community with an announcement group its members are in", async () => {
    const body = { name: "Neighbours", participants: [jid(PHONE_B)], approvalMode: "request_required" };
    ({ id: communityId } = await a.json<{ id: string }>("POST", "/communities", body, 201));
    const created = await net.waitEvent(
      "cm_b",
      "group",
      (d) => d.id === communityId && d.isCommunity === true,
    );
    assert.equal((created.eventData as { groupType?: string }).groupType, "new");
    const info = CommunityInfo.parse(await b.json("GET", `/communities/${communityId}`));
    assert.deepEqual(
      [info.name, info.isLocked, info.communityApprovalMode, info.owner?.id],
      ["Neighbours", false, "request_required", jid(PHONE_A)],
    );
    assert.deepEqual(info.participants.map((p) => [p.id, p.isAdmin, p.isSuperAdmin]).sort(), [
      [jid(PHONE_A), true, true],
      [jid(PHONE_B), false, false],
    ]);
    const [announcement] = (await a.json<unknown[]>("GET", `/communities/${communityId}/groups`)).map((g) =>
      CommunitySubGroup.parse(g),
    );
    assert.equal(announcement?.isAnnouncementGroup, true);
    const group = GroupInfo.parse(await b.json("GET", `/groups/${announcement?.groupId}`));
    assert.equal(group.isAnnounce, true, "only admins write in the announcement group");
    assert.deepEqual([group.communityId, group.isAnnouncementGroup], [communityId, true]);
    assert.deepEqual(
      (await b.json<{ communityId: string }[]>("GET", "/communities")).map((x) => x.communityId),
      [communityId],
    );
    assert.deepEqual(await c.json("GET", "/communities"), []);
    assert.equal((await c.call("GET", `/communities/${communityId}`)).status, 404);
  });

  it("adds, promotes and removes members; only admins may, and removal leaves every group", async () => {
    const add = { participants: [jid(PHONE_C)], action: "add" };
    assert.equal((await b.call("PUT", `/communities/${communityId}/participants`, add)).status, 403);
    assert.equal((await a.call("PUT", `/communities/${communityId}/participants`, add)).status, 204);
    await net.waitEvent("cm_c", "group", (d) => d.id === communityId && Array.isArray(d.join));
    const people = await a.json<{ id: string }[]>("GET", `/communities/${communityId}/participants`);
    assert.deepEqual(people.map((p) => p.id).sort(), [jid(PHONE_A), jid(PHONE_B), jid(PHONE_C)]);
    const promote = { participants: [jid(PHONE_B)], action: "promote" };
    assert.equal((await a.call("PUT", `/communities/${communityId}/participants`, promote)).status, 204);
    const { id: subGroupId } = await b.json<{ id: string }>(
      "POST",
      `/communities/${communityId}/groups`,
      { name: "Garden", participants: [jid(PHONE_C)] },
      201,
    );
    await net.waitEvent("cm_c", "group", (d) => d.id === subGroupId && d.communityId === communityId);
    const remove = { participants: [jid(PHONE_C)], action: "remove" };
    assert.equal((await a.call("PUT", `/communities/${communityId}/participants`, remove)).status, 204);
    assert.equal(
      (await c.call("GET", `/groups/${subGroupId}`)).status,
      404,
      "removed from the sub-group too",
    );
  });

  it("renames and describes; locked mode leaves that to admins", async () => {
    assert.equal((await b.call("PUT", `/communities/${communityId}/name`, { name: "Street" })).status, 204);
    assert.equal(
      (await a.call("PUT", `/communities/${communityId}/settings/locked`, { enabled: true })).status,
      204,
    );
    await net.waitEvent("cm_b", "group", (d) => (d.locked as { isLocked?: boolean })?.isLocked === true);
    const demote = { participants: [jid(PHONE_B)], action: "demote" };
    assert.equal((await a.call("PUT", `/communities/${communityId}/participants`, demote)).status, 204);
    const described = await b.call("PUT", `/communities/${communityId}/description`, { description: "x" });
    assert.equal(described.status, 403);
    assert.equal(
      (await a.call("PUT", `/communities/${communityId}/description`, { description: "Our street" })).status,
      204,
    );
    const info = CommunityInfo.parse(await a.json("GET", `/communities/${communityId}`));
    assert.deepEqual([info.name, info.description, info.isLocked], ["Street", "Our street", true]);
    const picture = { data: "/9j/4AAQSkZJRgABAQ==" };
    assert.equal((await b.call("POST", `/communities/${communityId}/picture`, picture)).status, 403);
    const { pictureId } = await a.json<{ pictureId: string }>(
      "POST",
      `/communities/${communityId}/picture`,
      picture,
    );
    const told = await net.waitEvent("cm_b", "chat_picture", (d) => d.id === communityId);
    assert.equal((told.eventData as { pictureId: string }).pictureId, pictureId);
  });

  it("gives admins an invite link, and a new one on reset", async () => {
    const { link } = await a.json<{ link: string }>("GET", `/communities/${communityId}/invite-link`);
    assert.match(link, /^https:\/\/chat\.whatsapp\.com\/\w+$/);
    const reset = await a.json<{ link: string }>("POST", `/communities/${communityId}/invite-link/reset`);
    assert.notEqual(reset.link, link);
    assert.equal((await b.call("GET", `/communities/${communityId}/invite-link`)).status, 403);
  });

  it("links an existing group and unlinks it; the announcement group stays", async () => {
    const { id: groupId } = await a.json<{ id: string }>(
      "POST",
      "/groups",
      { name: "Book club", participants: [jid(PHONE_B)] },
      201,
    );
    assert.equal((await a.call("POST", `/communities/${communityId}/groups/link`, { groupId })).status, 204);
    await net.waitEvent(
      "cm_b",
      "group",
      (d) => d.id === groupId && (d.link as { type?: string })?.type === "parent_group",
    );
    const linked = await a.json<{ groupId: string }[]>("GET", `/communities/${communityId}/groups`);
    assert.ok(linked.some((g) => g.groupId === groupId));
    const linkedInfo = GroupInfo.parse(await b.json("GET", `/groups/${groupId}`));
    assert.deepEqual([linkedInfo.communityId, linkedInfo.isAnnouncementGroup], [communityId, false]);
    assert.equal((await a.call("POST", `/communities/${communityId}/groups/link`, { groupId })).status, 400);
    assert.equal((await a.call("DELETE", `/communities/${communityId}/groups/${groupId}`)).status, 204);
    const after = await a.json<{ groupId: string; isAnnouncementGroup: boolean }[]>(
      "GET",
      `/communities/${communityId}/groups`,
    );
    assert.ok(!after.some((g) => g.groupId === groupId));
    const unlinked = GroupInfo.parse(await a.json("GET", `/groups/${groupId}`));
    assert.deepEqual([unlinked.communityId, unlinked.isAnnouncementGroup], [undefined, undefined]);
    const announcement = after.find((g) => g.isAnnouncementGroup)!;
    const refused = await a.call("DELETE", `/communities/${communityId}/groups/${announcement.groupId}`);
    assert.equal(refused.status, 400);
  });

  it("leaves the community", async () => {
    assert.equal((await b.call("POST", `/communities/${communityId}/leave`)).status, 204);
    await net.waitEvent("cm_a", "group", (d) => d.id === communityId && Array.isArray(d.leave));
    assert.deepEqual(await b.json("GET", "/communities"), []);
  });
});
