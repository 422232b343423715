import { APPROVAL_REQUIRED } from "@wsapi/contracts/community-api";
import { groupJid } from "@wsapi/contracts/instance-api";
import type { Context } from "hono";
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";
import { ProblemError } from "../http/problem.js";
import { readParam } from "../http/validate.js";

const INVITE_LINK_PREFIX = "https://chat.whatsapp.com/";
const communityOf = (c: Context) => readParam(groupJid, c.req.param("communityId"), "communityId");

export function communityHandlers({ transport }: AppDependencies) {
  const { communities } = transport;
  const found = <T>(value: T | undefined) => {
    if (value === undefined) throw new ProblemError("NOT_FOUND", "community not found");
    return value;
  };
  const noContent = async (c: Context, change: Promise<void>) => {
    await change;
    return c.body(null, 204);
  };
  const inviteLink = async (c: Context, reset: boolean) =>
    c.json({ link: `${INVITE_LINK_PREFIX}${await communities.inviteCode(communityOf(c), reset)}` });

  return {
    listCommunities: async (c) => c.json(await communities.list()),
    createCommunity: async (c, { name, participants, approvalMode }) => {
      const id = await communities.create({
        name,
        participants: participants ?? [],
        approvalRequired: approvalMode === APPROVAL_REQUIRED,
      });
      return c.json({ id }, 201);
    },
    getCommunity: async (c) => c.json(found(await communities.get(communityOf(c)))),
    leaveCommunity: (c) => noContent(c, communities.leave(communityOf(c))),
    setCommunityName: (c, { name }) => noContent(c, communities.setName(communityOf(c), name)),
    setCommunityDescription: (c, { description }) =>
      noContent(c, communities.setDescription(communityOf(c), description)),
    setCommunityLocked: (c, { enabled }) => noContent(c, communities.setLocked(communityOf(c), enabled)),
    setCommunityPicture: async (c, { data }) =>
      c.json({ pictureId: await communities.setPicture(communityOf(c), Buffer.from(data, "base64")) }),
    getCommunityParticipants: async (c) => c.json(found(await communities.participants(communityOf(c)))),
    updateCommunityParticipants: (c, { participants, action }) =>
      noContent(c, communities.updateParticipants(communityOf(c), participants, action)),
    getCommunityInviteLink: (c) => inviteLink(c, false),
    resetCommunityInviteLink: (c) => inviteLink(c, true),
    getCommunitySubGroups: async (c) => c.json(found(await communities.subGroups(communityOf(c)))),
    createCommunityGroup: async (c, { name, participants }) =>
      c.json({ id: await communities.createGroup(communityOf(c), name, participants ?? []) }, 201),
    linkGroupToCommunity: (c, { groupId }) => noContent(c, communities.linkGroup(communityOf(c), groupId)),
    unlinkCommunityGroup: (c) =>
      noContent(
        c,
        communities.unlinkGroup(communityOf(c), readParam(groupJid, c.req.param("groupId"), "groupId")),
      ),
  } satisfies Partial<OperationHandlers>;
}
