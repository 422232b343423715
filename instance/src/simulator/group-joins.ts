// Group pictures, invite previews, invites received in direct messages and join requests on the
// simulated network.
import type { GroupInfo } from "@wsapi/contracts/instance-api";
import { adminGroup, announce, groupInfo, memberGroup } from "./groups.js";
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

function join(world: SimWorld, group: SimGroup, phones: string[], actor: Actor, joinReason?: string): void {
  if (phones.length === 0) return;
  for (const phone of phones) {
    group.participants.set(phone, { admin: false, superAdmin: false });
    world.net.touchChat(phone, group.id, true, Date.now());
  }
  announce(world, group, actor, group.participants.keys(), {
    timestamp: nowIso(),
    ...(joinReason ? { joinReason } : {}),
    join: phones.map(identity),
  });
}

export function setGroupPicture(
  world: SimWorld,
  actor: Actor,
  { groupId, picture }: SimOpArgs<"setGroupPicture">,
): string {
  const group = memberGroup(world, actor, groupId);
  // "Edit group info" follows the locked setting, as for the name and description.
  if (group.locked) adminGroup(world, actor, groupId);
  const pictureId = world.storePicture(Buffer.from(picture, "base64"));
  group.pictureId = pictureId;
  for (const phone of group.participants.keys()) {
    world.net.emit(phone, "chat_picture", { id: group.id, sender: sender(actor.phone, phone), pictureId });
  }
  return pictureId;
}

export function groupInviteInfo(
  world: SimWorld,
  _actor: Actor,
  { code }: SimOpArgs<"groupInviteInfo">,
): GroupInfo | undefined {
  const group = [...world.groups.values()].find((candidate) => candidate.inviteCode === code);
  return group ? groupInfo(world, group) : undefined;
}

export function joinGroupWithInvite(
  world: SimWorld,
  actor: Actor,
  { groupId, inviterId, code }: SimOpArgs<"joinGroupWithInvite">,
): void {
  const group = world.groups.get(groupId);
  const invite = group?.invites.get(actor.phone);
  if (
    !group ||
    !invite ||
    invite.code !== code ||
    invite.inviter !== requirePhone(inviterId) ||
    invite.expiresAt < Date.now()
  ) {
    throw new SimError("not_found", "invite is invalid or has expired");
  }
  group.invites.delete(actor.phone);
  if (!group.participants.has(actor.phone)) join(world, group, [actor.phone], actor, "invite");
}

export function groupJoinRequests(
  world: SimWorld,
  actor: Actor,
  { groupId }: SimOpArgs<"groupJoinRequests">,
) {
  const group = adminGroup(world, actor, groupId);
  return [...group.requests].map(([phone, at]) => ({ user: identity(phone), requestedAt: nowIso(at) }));
}

export function updateGroupJoinRequests(
  world: SimWorld,
  actor: Actor,
  { groupId, participants, action }: SimOpArgs<"updateGroupJoinRequests">,
): void {
  const group = adminGroup(world, actor, groupId);
  const decided = participants.map(requirePhone).filter((phone) => group.requests.delete(phone));
  if (action === "approve") join(world, group, decided, actor);
}
