// Groups on the simulated network: membership, admin rights, invite links and settings, each
// change announced to the members as a `group` event.
import { randomBytes, randomInt } from "node:crypto";
import type { EventDataOf } from "@wsapi/contracts/events";
import type { GroupInfo } from "@wsapi/contracts/instance-api";
import { allows } from "./accounts.js";
import { userJid } from "./network.js";
import type { SimOpArgs } from "./protocol.js";
import {
  type Actor,
  identity,
  newMessageId,
  nowIso,
  requirePhone,
  SimError,
  type SimGroup,
  type SimWorld,
  sender,
} from "./world.js";

type GroupEventData = EventDataOf<"group">;

export function groupInfo(world: SimWorld, group: SimGroup): GroupInfo {
  return {
    groupId: group.id,
    owner: identity(group.owner),
    name: group.name,
    createdAt: nowIso(group.createdAt),
    ...(group.description ? { description: group.description } : {}),
    isAnnounce: group.announce,
    isLocked: group.locked,
    participants: [...group.participants].map(([phone, role]) => ({
      ...identity(phone),
      isAdmin: role.admin,
      isSuperAdmin: role.superAdmin,
      displayName: world.net.accounts.get(phone)?.pushName,
    })),
    ...(group.linkedParent
      ? {
          communityId: group.linkedParent,
          isAnnouncementGroup:
            world.groups.get(group.linkedParent)?.community?.announcementGroup === group.id,
        }
      : {}),
    isJoinApprovalRequired: group.joinApproval,
    memberAddMode: group.onlyAdminAdd ? "admin_add" : "all_member_add",
  };
}

export function memberGroup(world: SimWorld, actor: Actor, groupId: string): SimGroup {
  const group = world.groups.get(groupId);
  if (!group?.participants.has(actor.phone)) throw new SimError("not_found", "group not found");
  return group;
}

export function adminGroup(world: SimWorld, actor: Actor, groupId: string): SimGroup {
  const group = memberGroup(world, actor, groupId);
  if (!group.participants.get(actor.phone)?.admin)
    throw new SimError("forbidden", "only group admins can do this");
  return group;
}

/** Tells every listed member (each through all their devices) what changed and who changed it. */
export function announce(
  world: SimWorld,
  group: SimGroup,
  actor: Actor,
  audience: Iterable<string>,
  change: Omit<GroupEventData, "id" | "sender">,
): void {
  for (const phone of new Set(audience)) {
    world.net.emit(phone, "group", { id: group.id, sender: sender(actor.phone, phone), ...change });
  }
}

const inviteCode = () => randomBytes(16).toString("base64url").replace(/[-_]/g, "A").slice(0, 22);
const INVITE_TTL_MS = 3 * 24 * 3_600_000;

/**
 * Whether the phone's "who can add me to groups" lets the actor add it. When it does not, WhatsApp
 * sends the phone an invite in a direct message instead (joined with /groups/join/invite).
 */
function mayAdd(world: SimWorld, group: SimGroup, actor: Actor, phone: string): boolean {
  const target = world.net.accounts.get(phone);
  if (!target) return false;
  if (allows(target, target.privacy.groupadd, userJid(actor.phone))) return true;
  const code = randomBytes(9).toString("base64url").replace(/[-_]/g, "B");
  const expiresAt = Date.now() + INVITE_TTL_MS;
  group.invites.set(phone, { code, inviter: actor.phone, expiresAt });
  world.net.recordInbox(phone, {
    id: newMessageId(),
    chatId: userJid(actor.phone),
    from: userJid(actor.phone),
    type: "groupInvite",
    invite: { groupId: group.id, code, expiration: Math.floor(expiresAt / 1000) },
    time: nowIso(),
  });
  return false;
}

export function createGroup(world: SimWorld, actor: Actor, { name, participants }: SimOpArgs<"createGroup">) {
  const phones = [...new Set(participants.map(requirePhone))].filter(
    (p) => p !== actor.phone && world.net.accounts.has(p),
  );
  const id = `120363${String(randomInt(10 ** 11, 10 ** 12))}@g.us`;
  const group: SimGroup = {
    id,
    name,
    description: "",
    owner: actor.phone,
    createdAt: Date.now(),
    participants: new Map([[actor.phone, { admin: true, superAdmin: true }]]),
    announce: false,
    locked: false,
    joinApproval: false,
    onlyAdminAdd: true,
    inviteCode: inviteCode(),
    pictureId: undefined,
    requests: new Map(),
    invites: new Map(),
  };
  for (const phone of phones) {
    if (mayAdd(world, group, actor, phone))
      group.participants.set(phone, { admin: false, superAdmin: false });
  }
  world.groups.set(id, group);
  for (const phone of group.participants.keys()) world.net.touchChat(phone, id, true, group.createdAt);
  announce(world, group, actor, group.participants.keys(), {
    timestamp: nowIso(group.createdAt),
    groupType: "new",
    name: { name },
    join: [...group.participants.keys()].map(identity),
  });
  return groupInfo(world, group);
}

export const listGroups = (world: SimWorld, actor: Actor) =>
  [...world.groups.values()].filter((g) => g.participants.has(actor.phone)).map((g) => groupInfo(world, g));

export function getGroup(world: SimWorld, actor: Actor, { groupId }: SimOpArgs<"getGroup">) {
  const group = world.groups.get(groupId);
  return group?.participants.has(actor.phone) ? groupInfo(world, group) : undefined;
}

export function updateParticipants(
  world: SimWorld,
  actor: Actor,
  args: SimOpArgs<"updateGroupParticipants">,
) {
  const group = memberGroup(world, actor, args.groupId);
  const isAdmin = group.participants.get(actor.phone)?.admin === true;
  if (!isAdmin && !(args.action === "add" && !group.onlyAdminAdd)) {
    throw new SimError("forbidden", "only group admins can do this");
  }
  const before = [...group.participants.keys()];
  const affected: string[] = [];
  for (const phone of args.participants.map(requirePhone)) {
    const role = group.participants.get(phone);
    if (args.action === "add" && !role && world.net.accounts.has(phone)) {
      if (!mayAdd(world, group, actor, phone)) continue;
      group.participants.set(phone, { admin: false, superAdmin: false });
      world.net.touchChat(phone, group.id, true, Date.now());
    } else if (args.action === "remove" && role && !role.superAdmin) group.participants.delete(phone);
    else if (args.action === "promote" && role && !role.admin) role.admin = true;
    else if (args.action === "demote" && role?.admin && !role.superAdmin) role.admin = false;
    else continue;
    affected.push(phone);
  }
  if (affected.length === 0) return;
  const key = { add: "join", remove: "leave", promote: "promote", demote: "demote" } as const;
  announce(world, group, actor, [...before, ...affected], {
    timestamp: nowIso(),
    [key[args.action]]: affected.map(identity),
  });
}

export function inviteLink(world: SimWorld, actor: Actor, { groupId, reset }: SimOpArgs<"groupInviteLink">) {
  const group = adminGroup(world, actor, groupId);
  if (reset) group.inviteCode = inviteCode();
  return group.inviteCode;
}

export function joinGroup(world: SimWorld, actor: Actor, { code }: SimOpArgs<"joinGroup">): string {
  const group = [...world.groups.values()].find((g) => g.inviteCode === code);
  if (!group) throw new SimError("not_found", "invite link is invalid or was reset");
  if (group.participants.has(actor.phone)) return group.id;
  if (group.joinApproval) {
    // The admins decide (/groups/{id}/requests); the link still names the group.
    if (!group.requests.has(actor.phone)) group.requests.set(actor.phone, Date.now());
    return group.id;
  }
  group.participants.set(actor.phone, { admin: false, superAdmin: false });
  world.net.touchChat(actor.phone, group.id, true, Date.now());
  announce(world, group, actor, group.participants.keys(), {
    timestamp: nowIso(),
    joinReason: "invite",
    join: [identity(actor.phone)],
  });
  return group.id;
}

export function leaveGroup(world: SimWorld, actor: Actor, { groupId }: SimOpArgs<"leaveGroup">) {
  const group = memberGroup(world, actor, groupId);
  const audience = [...group.participants.keys()];
  group.participants.delete(actor.phone);
  announce(world, group, actor, audience, { timestamp: nowIso(), leave: [identity(actor.phone)] });
}

function editableGroup(world: SimWorld, actor: Actor, groupId: string): SimGroup {
  const group = memberGroup(world, actor, groupId);
  return group.locked ? adminGroup(world, actor, groupId) : group;
}

export function setGroupName(world: SimWorld, actor: Actor, { groupId, name }: SimOpArgs<"setGroupName">) {
  const group = editableGroup(world, actor, groupId);
  group.name = name;
  announce(world, group, actor, group.participants.keys(), { timestamp: nowIso(), name: { name } });
}

export function setGroupDescription(world: SimWorld, actor: Actor, args: SimOpArgs<"setGroupDescription">) {
  const group = editableGroup(world, actor, args.groupId);
  group.description = args.description;
  announce(world, group, actor, group.participants.keys(), {
    timestamp: nowIso(),
    description: { topic: args.description },
  });
}

export function updateGroupSetting(
  world: SimWorld,
  actor: Actor,
  { groupId, change }: SimOpArgs<"updateGroupSetting">,
) {
  const group = adminGroup(world, actor, groupId);
  const timestamp = nowIso();
  const members = group.participants.keys();
  switch (change.setting) {
    case "announce":
      group.announce = change.enabled;
      return announce(world, group, actor, members, { timestamp, announce: { isAnnounce: change.enabled } });
    case "locked":
      group.locked = change.enabled;
      return announce(world, group, actor, members, { timestamp, locked: { isLocked: change.enabled } });
    case "join-approval":
      group.joinApproval = change.enabled;
      return announce(world, group, actor, members, {
        timestamp,
        membershipApproval: { isRequired: change.enabled },
      });
    case "member-add-mode":
      // WSAPI's group event has no field for this setting; WhatsApp's change stays silent here too.
      group.onlyAdminAdd = change.onlyAdminAdd;
      return;
  }
}
