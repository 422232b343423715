import { type GroupSetting, groupJid, inviteCode } from "@wsapi/contracts/instance-api";
import type { Context } from "hono";
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";
import { ProblemError } from "../http/problem.js";
import { readParam } from "../http/validate.js";

const INVITE_LINK_PREFIX = "https://chat.whatsapp.com/";
const groupOf = (c: Context) => readParam(groupJid, c.req.param("groupId"), "groupId");

export function groupHandlers({ transport }: AppDependencies) {
  const existing = async (c: Context) => {
    const group = await transport.getGroup(groupOf(c));
    if (!group) throw new ProblemError("NOT_FOUND", "group not found");
    return group;
  };
  const inviteLink = async (c: Context, reset: boolean) =>
    c.json({ link: `${INVITE_LINK_PREFIX}${await transport.groupInviteLink(groupOf(c), reset)}` });
  const toggle =
    (setting: Exclude<GroupSetting, "member-add-mode">) =>
    async (c: Context, { enabled }: { enabled: boolean }) => {
      await transport.updateGroupSetting(groupOf(c), { setting, enabled });
      return c.body(null, 204);
    };

  return {
    listGroups: async (c) => c.json(await transport.listGroups()),

    createGroup: async (c, { name, participants }) => {
      const group = await transport.createGroup(name, participants);
      return c.json({ id: group.groupId }, 201);
    },

    joinGroupWithLink: async (c, { code }) => c.json({ id: await transport.joinGroup(code) }, 201),
    getGroup: async (c) => c.json(await existing(c)),
    getGroupParticipants: async (c) => c.json((await existing(c)).participants),

    updateGroupParticipants: async (c, { participants, action }) => {
      await transport.updateGroupParticipants(groupOf(c), participants, action);
      return c.body(null, 204);
    },

    getGroupInviteLink: (c) => inviteLink(c, false),
    resetGroupInviteLink: (c) => inviteLink(c, true),

    leaveGroup: async (c) => {
      await transport.leaveGroup(groupOf(c));
      return c.body(null, 204);
    },

    setGroupName: async (c, { name }) => {
      await transport.setGroupName(groupOf(c), name);
      return c.body(null, 204);
    },

    setGroupDescription: async (c, { description }) => {
      await transport.setGroupDescription(groupOf(c), description);
      return c.body(null, 204);
    },

    setGroupPicture: async (c, { data }) => {
      const pictureId = await transport.setGroupPicture(groupOf(c), Buffer.from(data, "base64"));
      return c.json(pictureId ? { pictureId } : {});
    },

    joinGroupWithInvite: async (c, { groupId, inviterId, code, expiration }) => {
      await transport.joinGroupWithInvite({
        groupId,
        inviterId,
        code,
        ...(expiration !== undefined ? { expiration } : {}),
      });
      return c.body(null, 204);
    },

    getGroupInfoFromLink: async (c) => {
      const group = await transport.groupInviteInfo(readParam(inviteCode, c.req.param("code"), "code"));
      if (!group) throw new ProblemError("NOT_FOUND", "invite link is invalid or was reset");
      return c.json(group);
    },

    getGroupRequests: async (c) => c.json(await transport.groupJoinRequests(groupOf(c))),

    updateGroupRequests: async (c, { participants, action }) => {
      await transport.updateGroupJoinRequests(groupOf(c), participants, action);
      return c.body(null, 204);
    },

    setGroupAnnounce: toggle("announce"),
    setGroupLocked: toggle("locked"),
    setGroupJoinApproval: toggle("join-approval"),

    setGroupMemberAddMode: async (c, { onlyAdminAdd }) => {
      await transport.updateGroupSetting(groupOf(c), { setting: "member-add-mode", onlyAdminAdd });
      return c.body(null, 204);
    },
  } satisfies Partial<OperationHandlers>;
}
