// Communities on the simulated network: a parent group (the community) with an announcement group
// that every member is in, and sub-groups linked to it. Members, admins, name, description, locked
// mode and invite code live on the parent; joining or leaving the community joins or leaves the
// announcement group too, and leaving it (or being removed) leaves every sub-group. Each change is
// announced to the members as a `group` event, with `isCommunity`, `communityId`, `link` and `unlink`.
import { randomBytes, randomInt } from "node:crypto";
import {
  APPROVAL_REQUIRED,
  type CommunityInfo,
  type CommunitySubGroup,
} from "@wsapi/contracts/community-api";
import type { EventDataOf } from "@wsapi/contracts/events";
import { createGroup } from "./groups.js";
import type { SimOpArgs } from "./protocol.js";
import {
  type Actor,
  identity,
  nowIso,
  requirePhone,
  SimError,
  type SimGroup,
  type SimWorld,
  sender,
} from "./world.js";

type GroupChange = Omit<EventDataOf<"group">, "id" | "sender" | "timestamp">;

const newGroupId = () => `120363${String(randomInt(10 ** 11, 10 ** 12))}@g.us`;
const inviteCode = () => randomBytes(16).toString("base64url").replace(/[-_]/g, "A").slice(0, 22);

function tell(
  world: SimWorld,
  groupId: string,
  actor: Actor,
  audience: Iterable<string>,
  change: GroupChange,
) {
  const timestamp = nowIso();
  for (const phone of new Set(audience)) {
    world.net.emit(phone, "group", { id: groupId, sender: sender(actor.phone, phone), timestamp, ...change });
  }
}

function memberOf(world: SimWorld, actor: Actor, communityId: string): SimGroup {
  const community = world.groups.get(communityId);
  if (!community?.community || !community.participants.has(actor.phone))
    throw new SimError("not_found", "community not found");
  return community;
}

function adminOf(world: SimWorld, actor: Actor, communityId: string): SimGroup {
  const community = memberOf(world, actor, communityId);
  if (!community.participants.get(actor.phone)?.admin)
    throw new SimError("forbidden", "only community admins can do this");
  return community;
}

const announcementOf = (world: SimWorld, community: SimGroup) =>
  world.groups.get(community.community?.announcementGroup ?? "");
const subGroupsOf = (world: SimWorld, community: SimGroup) =>
  [...world.groups.values()].filter((group) => group.linkedParent === community.id);

function info(world: SimWorld, community: SimGroup): CommunityInfo {
  return {
    communityId: community.id,
    owner: identity(community.owner),
    name: community.name,
    created: nowIso(community.createdAt),
    ...(community.description ? { description: community.description } : {}),
    isLocked: community.locked,
    ...(community.community?.approvalRequired ? { communityApprovalMode: APPROVAL_REQUIRED } : {}),
    participants: [...community.participants].map(([phone, role]) => ({
      ...identity(phone),
      isAdmin: role.admin,
      isSuperAdmin: role.superAdmin,
      ...(world.net.accounts.get(phone)?.pushName
        ? { displayName: world.net.accounts.get(phone)?.pushName }
        : {}),
    })),
  };
}

export const listCommunities = (world: SimWorld, actor: Actor) =>
  [...world.groups.values()]
    .filter((group) => group.community && group.participants.has(actor.phone))
    .map((community) => info(world, community));

export function getCommunity(world: SimWorld, actor: Actor, { communityId }: SimOpArgs<"getCommunity">) {
  const community = world.groups.get(communityId);
  return community?.community && community.participants.has(actor.phone) ? info(world, community) : undefined;
}

export function createCommunity(world: SimWorld, actor: Actor, args: SimOpArgs<"createCommunity">): string {
  const phones = args.participants
    .map(requirePhone)
    .filter((p) => p !== actor.phone && world.net.accounts.has(p));
  const createdAt = Date.now();
  const base = (id: string): SimGroup => ({
    id,
    name: args.name,
    description: "",
    owner: actor.phone,
    createdAt,
    participants: new Map<string, { admin: boolean; superAdmin: boolean }>([
      [actor.phone, { admin: true, superAdmin: true }],
      ...phones.map((phone): [string, { admin: boolean; superAdmin: boolean }] => [
        phone,
        { admin: false, superAdmin: false },
      ]),
    ]),
    announce: false,
    locked: false,
    joinApproval: args.approvalRequired,
    onlyAdminAdd: true,
    inviteCode: inviteCode(),
    pictureId: undefined,
    requests: new Map(),
    invites: new Map(),
  });
  const community = base(newGroupId());
  const announcement = { ...base(newGroupId()), announce: true, linkedParent: community.id };
  community.community = { announcementGroup: announcement.id, approvalRequired: args.approvalRequired };
  world.groups.set(community.id, community);
  world.groups.set(announcement.id, announcement);
  const members = [...community.participants.keys()];
  for (const phone of members) world.net.touchChat(phone, announcement.id, true, createdAt);
  const join = members.map(identity);
  tell(world, community.id, actor, members, {
    isCommunity: true,
    groupType: "new",
    name: { name: args.name },
    join,
  });
  tell(world, announcement.id, actor, members, {
    communityId: community.id,
    isAnnouncementGroup: true,
    groupType: "new",
    name: { name: args.name },
    join,
  });
  return community.id;
}

/** Leaves the community, its announcement group and every sub-group. */
function removeMember(world: SimWorld, community: SimGroup, phone: string): void {
  community.participants.delete(phone);
  announcementOf(world, community)?.participants.delete(phone);
  for (const group of subGroupsOf(world, community)) group.participants.delete(phone);
}

export function leaveCommunity(world: SimWorld, actor: Actor, { communityId }: SimOpArgs<"leaveCommunity">) {
  const community = memberOf(world, actor, communityId);
  const audience = [...community.participants.keys()];
  removeMember(world, community, actor.phone);
  tell(world, community.id, actor, audience, { isCommunity: true, leave: [identity(actor.phone)] });
}

function editable(world: SimWorld, actor: Actor, communityId: string): SimGroup {
  const community = memberOf(world, actor, communityId);
  return community.locked ? adminOf(world, actor, communityId) : community;
}

export function setCommunityName(world: SimWorld, actor: Actor, args: SimOpArgs<"setCommunityName">) {
  const community = editable(world, actor, args.communityId);
  community.name = args.name;
  tell(world, community.id, actor, community.participants.keys(), {
    isCommunity: true,
    name: { name: args.name },
  });
}

export function setCommunityDescription(
  world: SimWorld,
  actor: Actor,
  args: SimOpArgs<"setCommunityDescription">,
) {
  const community = editable(world, actor, args.communityId);
  community.description = args.description;
  tell(world, community.id, actor, community.participants.keys(), {
    isCommunity: true,
    description: { topic: args.description },
  });
}

export function setCommunityLocked(world: SimWorld, actor: Actor, args: SimOpArgs<"setCommunityLocked">) {
  const community = adminOf(world, actor, args.communityId);
  community.locked = args.locked;
  tell(world, community.id, actor, community.participants.keys(), {
    isCommunity: true,
    locked: { isLocked: args.locked },
  });
}

/** Pictures are not kept: members learn the new picture id, as WhatsApp tells them. */
export function setCommunityPicture(world: SimWorld, actor: Actor, args: SimOpArgs<"setCommunityPicture">) {
  const community = editable(world, actor, args.communityId);
  if (Buffer.from(args.picture, "base64").length === 0)
    throw new SimError("rejected", "the picture is empty");
  const pictureId = String(Date.now());
  community.pictureId = pictureId;
  for (const phone of community.participants.keys()) {
    world.net.emit(phone, "chat_picture", {
      id: community.id,
      sender: sender(actor.phone, phone),
      pictureId,
    });
  }
  return pictureId;
}

export function updateCommunityParticipants(
  world: SimWorld,
  actor: Actor,
  args: SimOpArgs<"updateCommunityParticipants">,
) {
  const community = adminOf(world, actor, args.communityId);
  const announcement = announcementOf(world, community);
  const before = [...community.participants.keys()];
  const affected: string[] = [];
  for (const phone of args.participants.map(requirePhone)) {
    const role = community.participants.get(phone);
    if (args.action === "add" && !role && world.net.accounts.has(phone)) {
      community.participants.set(phone, { admin: false, superAdmin: false });
      announcement?.participants.set(phone, { admin: false, superAdmin: false });
      if (announcement) world.net.touchChat(phone, announcement.id, true, Date.now());
    } else if (args.action === "remove" && role && !role.superAdmin) removeMember(world, community, phone);
    else if (args.action === "promote" && role && !role.admin) role.admin = true;
    else if (args.action === "demote" && role?.admin && !role.superAdmin) role.admin = false;
    else continue;
    affected.push(phone);
  }
  if (affected.length === 0) return;
  const key = { add: "join", remove: "leave", promote: "promote", demote: "demote" } as const;
  tell(world, community.id, actor, [...before, ...affected], {
    isCommunity: true,
    [key[args.action]]: affected.map(identity),
  });
}

export function communityInviteCode(world: SimWorld, actor: Actor, args: SimOpArgs<"communityInviteCode">) {
  const community = adminOf(world, actor, args.communityId);
  if (args.reset) community.inviteCode = inviteCode();
  return community.inviteCode;
}

export function communitySubGroups(
  world: SimWorld,
  actor: Actor,
  { communityId }: SimOpArgs<"communitySubGroups">,
): CommunitySubGroup[] | undefined {
  const community = world.groups.get(communityId);
  if (!community?.community || !community.participants.has(actor.phone)) return undefined;
  return subGroupsOf(world, community)
    .map((group) => ({
      groupId: group.id,
      name: group.name,
      isAnnouncementGroup: group.id === community.community?.announcementGroup,
    }))
    .sort((a, b) => Number(b.isAnnouncementGroup) - Number(a.isAnnouncementGroup));
}

function link(world: SimWorld, actor: Actor, community: SimGroup, group: SimGroup): void {
  group.linkedParent = community.id;
  tell(world, community.id, actor, community.participants.keys(), {
    isCommunity: true,
    link: { type: "sub_group", groupId: group.id, groupName: group.name, isAnnouncementGroup: false },
  });
  tell(world, group.id, actor, group.participants.keys(), {
    communityId: community.id,
    link: { type: "parent_group", groupId: community.id, groupName: community.name },
  });
}

export function createCommunityGroup(world: SimWorld, actor: Actor, args: SimOpArgs<"createCommunityGroup">) {
  const community = adminOf(world, actor, args.communityId);
  const { groupId } = createGroup(world, actor, { name: args.name, participants: args.participants });
  link(world, actor, community, world.groups.get(groupId) as SimGroup);
  return groupId;
}

export function linkCommunityGroup(world: SimWorld, actor: Actor, args: SimOpArgs<"linkCommunityGroup">) {
  const community = adminOf(world, actor, args.communityId);
  const group = world.groups.get(args.groupId);
  if (!group?.participants.has(actor.phone)) throw new SimError("not_found", "group not found");
  if (!group.participants.get(actor.phone)?.admin)
    throw new SimError("forbidden", "only group admins can link it");
  if (group.community || group.linkedParent) throw new SimError("rejected", "this group cannot be linked");
  link(world, actor, community, group);
}

export function unlinkCommunityGroup(world: SimWorld, actor: Actor, args: SimOpArgs<"unlinkCommunityGroup">) {
  const community = adminOf(world, actor, args.communityId);
  const group = world.groups.get(args.groupId);
  if (group?.linkedParent !== community.id)
    throw new SimError("rejected", "the group is not in this community");
  if (group.id === community.community?.announcementGroup)
    throw new SimError("rejected", "the announcement group cannot be unlinked");
  group.linkedParent = undefined;
  tell(world, community.id, actor, community.participants.keys(), {
    isCommunity: true,
    unlink: { type: "sub_group", reason: "unlink_group", groupId: group.id },
  });
  tell(world, group.id, actor, group.participants.keys(), {
    unlink: { type: "parent_group", reason: "unlink_group", groupId: community.id },
  });
}

export const COMMUNITY_HANDLERS = {
  listCommunities,
  createCommunity,
  getCommunity,
  leaveCommunity,
  setCommunityName,
  setCommunityDescription,
  setCommunityLocked,
  setCommunityPicture,
  updateCommunityParticipants,
  communityInviteCode,
  communitySubGroups,
  createCommunityGroup,
  linkCommunityGroup,
  unlinkCommunityGroup,
};
