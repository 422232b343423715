// Groups and communities: WSAPI's documentation examples (wsapi-api.yml, as written there) and
// bodies with every field of its schemas, built from its property examples, parse with our schemas.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GroupInfo } from "../src/instance-api.js";
import { refuses, request, response } from "./wsapi-examples.js";

// components.schemas.Identity's property examples.
const identity = { id: "1234567890@s.whatsapp.net", lid: "222424242@lid", phone: "1234567890", device: 2 };
const participant = { ...identity, isAdmin: true, isSuperAdmin: false, displayName: "Jane" };
// Every field of components.schemas.GroupInfoResponse.
const groupInfo = {
  groupId: "1234567890-1234567890@g.us",
  owner: identity,
  name: "Team",
  createdAt: "2025-05-19T00:51:44.816Z",
  description: "About the team",
  isAnnounce: false,
  isLocked: true,
  isEphemeral: true,
  ephemeralExpiration: 604800,
  participants: [participant],
  communityId: "120363000000000000@g.us",
  isAnnouncementGroup: false,
  isJoinApprovalRequired: true,
  memberAddMode: "admin_add",
};

describe("WSAPI's group examples", () => {
  it("updates participants and join requests as the examples do", () => {
    // Add participants to group
    request("updateGroupParticipants", { participants: ["1234567890@s.whatsapp.net"], action: "add" });
    // Remove participants from group
    request("updateGroupParticipants", { participants: ["1234567890@s.whatsapp.net"], action: "remove" });
    // Promote participants to admin
    request("updateGroupParticipants", { participants: ["1234567890@s.whatsapp.net"], action: "promote" });
    // Demote admins to regular members
    request("updateGroupParticipants", { participants: ["1234567890@s.whatsapp.net"], action: "demote" });
    // Approve join requests
    request("updateGroupRequests", { participants: ["1234567890@s.whatsapp.net"], action: "approve" });
    // Reject join requests
    request("updateGroupRequests", { participants: ["1234567890@s.whatsapp.net"], action: "reject" });
  });

  it("updates community participants as the examples do", () => {
    // Add participants
    request("updateCommunityParticipants", { participants: ["1234567890@s.whatsapp.net"], action: "add" });
    // Remove participants
    request("updateCommunityParticipants", { participants: ["1234567890@s.whatsapp.net"], action: "remove" });
    // Promote to admin
    request("updateCommunityParticipants", {
      participants: ["1234567890@s.whatsapp.net"],
      action: "promote",
    });
    // Demote from admin
    request("updateCommunityParticipants", { participants: ["1234567890@s.whatsapp.net"], action: "demote" });
  });

  it("takes every field of WSAPI's other group and community requests", () => {
    request("createGroup", { name: "Team", participants: ["1234567890@s.whatsapp.net"] });
    request("setGroupName", { name: "Team" });
    request("setGroupDescription", { description: "About the team" });
    request("setGroupPicture", { data: "/9j/4AAQSkZJRgABAQ" });
    request("joinGroupWithLink", { code: "abc123" });
    request("joinGroupWithInvite", {
      groupId: "1234567890-1234567890@g.us",
      inviterId: "1234567890@s.whatsapp.net",
      code: "AbCdEf12",
      expiration: 1747615904,
    });
    request("setGroupMemberAddMode", { onlyAdminAdd: true });
    request("createCommunity", {
      name: "Club",
      participants: ["1234567890@s.whatsapp.net"],
      approvalMode: "request_required",
    });
    request("createCommunityGroup", { name: "Sub", participants: ["1234567890@s.whatsapp.net"] });
    request("linkGroupToCommunity", { groupId: "1234567890-1234567890@g.us" });
    request("setCommunityPicture", { data: "/9j/4AAQSkZJRgABAQ" });
    refuses("createGroup", { name: "Team", participants: [] }, "participants");
  });

  it("reads a setting's boolean as false when it is absent, as WSAPI (optional, Go's zero value) does", () => {
    for (const operationId of [
      "setGroupAnnounce",
      "setGroupLocked",
      "setGroupJoinApproval",
      "setCommunityLocked",
    ] as const) {
      assert.deepEqual(request(operationId, { enabled: true }), { enabled: true });
      assert.deepEqual(request(operationId, {}), { enabled: false });
    }
    assert.deepEqual(request("setGroupMemberAddMode", {}), { onlyAdminAdd: false });
  });

  it("answers group info with every field of WSAPI's GroupInfoResponse", () => {
    response("getGroup", groupInfo);
    response("getGroupInfoFromLink", groupInfo);
    response("listGroups", [groupInfo]);
    response("getGroupParticipants", [participant]);
    response("getGroupRequests", [{ user: identity, requestedAt: "2025-05-19T00:51:44.816Z" }]);
    response("setGroupPicture", { pictureId: "1747615904" });
    // WSAPI's createdAt is a date-time.
    assert.equal(GroupInfo.safeParse({ ...groupInfo, createdAt: "yesterday" }).success, false);
  });

  it("answers invite links as the examples do", () => {
    response("getGroupInviteLink", { link: "https://chat.whatsapp.com/abc123" });
    response("resetGroupInviteLink", { link: "https://chat.whatsapp.com/xyz789" });
    response("getCommunityInviteLink", { link: "https://chat.whatsapp.com/abc123" });
    response("resetCommunityInviteLink", { link: "https://chat.whatsapp.com/xyz789" });
  });

  it("answers communities with every field of WSAPI's community schemas", () => {
    const community = {
      communityId: "120363000000000000@g.us",
      owner: identity,
      name: "Club",
      created: "2025-05-19T00:51:44.816Z",
      description: "About the club",
      isLocked: false,
      communityApprovalMode: "request_required",
      participants: [participant],
    };
    response("getCommunity", community);
    response("listCommunities", [community]);
    response("getCommunitySubGroups", [
      {
        groupId: "1234567890-1234567890@g.us",
        name: "Announcements",
        nameSetAt: "2025-05-19T00:51:44.816Z",
        isAnnouncementGroup: true,
      },
    ]);
    response("setCommunityPicture", { pictureId: "1747615904" });
    // components.responses.Created.example
    response("createCommunity", { id: "01234567890123456" });
    response("createCommunityGroup", { id: "01234567890123456" });
    response("createGroup", { id: "01234567890123456" });
    response("joinGroupWithLink", { id: "01234567890123456" });
  });
});
