// The Baileys side of Communities: community metadata and the sub-groups answer (recorded shapes)
// → WSAPI's CommunityInfo and sub-groups, and what each operation asks of the socket.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { BinaryNode, GroupMetadata, WASocket } from "@whiskeysockets/baileys";
import { CommunityInfo, CommunitySubGroup } from "@wsapi/contracts/community-api";
import {
  communityInfo,
  createBaileysCommunities,
  mapSubGroups,
  subGroupsQuery,
} from "../src/transport/baileys-communities.js";

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/queries/baileys-communities.json", import.meta.url), "utf8"),
);
const meta = fixture.metadata as GroupMetadata;
const ID = meta.id;

function recordingSocket(overrides: Record<string, unknown> = {}) {
  const calls: unknown[][] = [];
  const record =
    (name: string, result?: unknown) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args]);
      return result;
    };
  const socket = {
    communityCreate: record("communityCreate", { ...meta, id: ID }),
    communityParticipantsUpdate: record("communityParticipantsUpdate", []),
    communityJoinApprovalMode: record("communityJoinApprovalMode"),
    communityMetadata: record("communityMetadata", meta),
    communityFetchAllParticipating: record("communityFetchAllParticipating", {
      [ID]: meta,
      "120363025246125486@g.us": { ...meta, id: "120363025246125486@g.us", isCommunity: false },
    }),
    communityLeave: record("communityLeave"),
    communityUpdateSubject: record("communityUpdateSubject"),
    communityUpdateDescription: record("communityUpdateDescription"),
    communitySettingUpdate: record("communitySettingUpdate"),
    communityInviteCode: record("communityInviteCode", "AbCdEf123456"),
    communityRevokeInvite: record("communityRevokeInvite", "ZyXwVu654321"),
    communityCreateGroup: record("communityCreateGroup", { ...meta, id: "120363025246125486@g.us" }),
    communityLinkGroup: record("communityLinkGroup"),
    communityUnlinkGroup: record("communityUnlinkGroup"),
    query: record("query", fixture.subGroups),
    ...overrides,
  } as unknown as WASocket;
  return { socket, calls };
}

describe("Baileys community mapping", () => {
  it("maps community metadata and the sub-groups answer to WSAPI's shapes", () => {
    const info = communityInfo(meta);
    assert.deepEqual(info, fixture.expectedInfo);
    CommunityInfo.parse(info);
    const groups = mapSubGroups(fixture.subGroups as BinaryNode);
    assert.deepEqual(groups, fixture.expectedSubGroups);
    for (const group of groups) CommunitySubGroup.parse(group);
  });

  it("asks the socket for each operation as WhatsApp expects", async () => {
    const { socket, calls } = recordingSocket();
    const communities = createBaileysCommunities(() => socket);
    const people = ["5531999998888@s.whatsapp.net"];
    assert.equal(
      await communities.create({ name: "Neighbours", participants: people, approvalRequired: false }),
      ID,
    );
    assert.deepEqual(
      (await communities.list()).map((c) => c.communityId),
      [ID],
      "plain groups are not communities",
    );
    assert.deepEqual(await communities.participants(ID), [
      { id: "5521912345678@s.whatsapp.net", lid: "111222333444555@lid", phone: "5521912345678" },
      { id: "5531999998888@s.whatsapp.net", lid: "333444555666777@lid", phone: "5531999998888" },
    ]);
    await communities.setName(ID, "Street");
    await communities.setDescription(ID, "");
    await communities.setLocked(ID, false);
    await communities.updateParticipants(ID, people, "remove");
    assert.equal(await communities.inviteCode(ID, false), "AbCdEf123456");
    assert.equal(await communities.inviteCode(ID, true), "ZyXwVu654321");
    assert.deepEqual(await communities.subGroups(ID), fixture.expectedSubGroups);
    assert.equal(await communities.createGroup(ID, "Garden", people), "120363025246125486@g.us");
    await communities.linkGroup(ID, "120363025246125486@g.us");
    await communities.unlinkGroup(ID, "120363025246125486@g.us");
    await communities.leave(ID);
    assert.deepEqual(calls, [
      ["communityCreate", "Neighbours", ""],
      ["communityParticipantsUpdate", ID, people, "add"],
      ["communityJoinApprovalMode", ID, "off"],
      ["communityFetchAllParticipating"],
      ["communityMetadata", ID],
      ["communityUpdateSubject", ID, "Street"],
      ["communityUpdateDescription", ID, undefined],
      ["communitySettingUpdate", ID, "unlocked"],
      ["communityParticipantsUpdate", ID, people, "remove"],
      ["communityInviteCode", ID],
      ["communityRevokeInvite", ID],
      ["query", subGroupsQuery(ID)],
      ["communityCreateGroup", "Garden", people, ID],
      ["communityLinkGroup", "120363025246125486@g.us", ID],
      ["communityUnlinkGroup", "120363025246125486@g.us", ID],
      ["communityLeave", ID],
    ]);
  });

  it("sets the picture as a 640px JPEG and reports WhatsApp's picture id", async () => {
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
      "base64",
    );
    const sent: BinaryNode[] = [];
    const { socket } = recordingSocket({
      query: async (node: BinaryNode) => {
        sent.push(node);
        return {
          tag: "iq",
          attrs: { type: "result" },
          content: [{ tag: "picture", attrs: { id: "1716004000" } }],
        };
      },
    });
    const communities = createBaileysCommunities(() => socket);
    assert.equal(await communities.setPicture(ID, png), "1716004000");
    const [iq] = sent;
    assert.deepEqual(iq?.attrs, {
      to: "@s.whatsapp.net",
      type: "set",
      xmlns: "w:profile:picture",
      target: ID,
    });
    const jpeg = (iq!.content as BinaryNode[])[0]!.content as Buffer;
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], "a JPEG");
    await assert.rejects(communities.setPicture(ID, Buffer.from("not an image")), { kind: "rejected" });
  });

  it("answers a plain group, an unknown or a foreign community as absent", async () => {
    const plain = recordingSocket({ communityMetadata: async () => ({ ...meta, isCommunity: false }) });
    assert.equal(await createBaileysCommunities(() => plain.socket).get(ID), undefined);
    const refusal = Object.assign(new Error("not-authorized"), { output: { statusCode: 403 } });
    const foreign = recordingSocket({
      communityMetadata: async () => Promise.reject(refusal),
      query: async () => Promise.reject(refusal),
    });
    const communities = createBaileysCommunities(() => foreign.socket);
    assert.equal(await communities.get(ID), undefined);
    assert.equal(await communities.subGroups(ID), undefined);
    await assert.rejects(
      createBaileysCommunities(() => recordingSocket({ communityCreate: async () => null }).socket).create({
        name: "x",
        participants: [],
        approvalRequired: true,
      }),
      { name: "TransportError", kind: "rejected" },
    );
  });
});
