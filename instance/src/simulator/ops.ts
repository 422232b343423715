// Dispatches an instance's requests to the network's behaviour, checking pairing and arguments.
import { COMMUNITY_HANDLERS } from "./communities.js";
import * as directory from "./directory.js";
import * as groupJoins from "./group-joins.js";
import * as groups from "./groups.js";
import * as history from "./history.js";
import * as messages from "./messages.js";
import { NEWSLETTER_HANDLERS } from "./newsletters.js";
import * as privacy from "./privacy.js";
import { SIM_OPS, type SimOp, type SimOpArgs } from "./protocol.js";
import { STATUS_HANDLERS } from "./status.js";
import { type Actor, SimError, type SimWorld } from "./world.js";

type Handler<O extends SimOp> = (world: SimWorld, actor: Actor, args: SimOpArgs<O>) => unknown;

const PAIRED_OPS: { [O in Exclude<SimOp, "pairCode">]: Handler<O> } = {
  logout: (world, actor) => world.net.logout(actor.instanceId ?? "", "api_logout"),
  send: messages.sendMessage,
  react: messages.react,
  edit: messages.edit,
  markRead: messages.markRead,
  star: messages.star,
  pin: messages.pin,
  deleteForEveryone: messages.deleteForEveryone,
  downloadMedia: messages.downloadMedia,
  rejectCall: messages.rejectCall,
  listChats: directory.listChats,
  getChat: directory.getChat,
  setChatPresence: directory.setChatPresence,
  subscribePresence: directory.subscribePresence,
  updateChatSetting: directory.updateChatSetting,
  listContacts: directory.listContacts,
  getContact: directory.getContact,
  saveContact: directory.saveContact,
  myProfile: directory.myProfile,
  updateProfile: directory.updateProfile,
  setPresence: directory.setPresence,
  checkUsers: (world, _actor, args) => directory.checkUsers(world, args),
  userProfile: (world, _actor, args) => directory.userProfile(world, args),
  createGroup: groups.createGroup,
  listGroups: groups.listGroups,
  getGroup: groups.getGroup,
  updateGroupParticipants: groups.updateParticipants,
  groupInviteLink: groups.inviteLink,
  joinGroup: groups.joinGroup,
  leaveGroup: groups.leaveGroup,
  setGroupName: groups.setGroupName,
  setGroupDescription: groups.setGroupDescription,
  updateGroupSetting: groups.updateGroupSetting,
  requestChatMessages: history.requestChatMessages,
  deleteForMe: history.deleteForMe,
  clearChat: history.clearChat,
  deleteChat: history.deleteChat,
  chatPicture: privacy.chatPicture,
  businessProfile: privacy.businessProfile,
  syncContacts: privacy.syncContacts,
  blocklist: privacy.blocklist,
  setBlocked: privacy.setBlocked,
  privacySettings: privacy.privacySettings,
  setPrivacy: privacy.setPrivacy,
  setGroupPicture: groupJoins.setGroupPicture,
  joinGroupWithInvite: groupJoins.joinGroupWithInvite,
  groupInviteInfo: groupJoins.groupInviteInfo,
  groupJoinRequests: groupJoins.groupJoinRequests,
  updateGroupJoinRequests: groupJoins.updateGroupJoinRequests,
  ...STATUS_HANDLERS,
  ...NEWSLETTER_HANDLERS,
  ...COMMUNITY_HANDLERS,
};

export function runOp(world: SimWorld, instanceId: string, op: string, rawArgs: unknown): unknown {
  if (!(op in SIM_OPS)) throw new SimError("unsupported", `unknown operation ${op}`);
  const parsed = SIM_OPS[op as SimOp].safeParse(rawArgs);
  if (!parsed.success) throw new SimError("rejected", `invalid arguments for ${op}`);
  const phone = world.net.authenticatedPhone(instanceId);
  if (op === "pairCode") {
    if (phone) throw new SimError("already_paired", "device is already paired");
    const code = world.net.requestPairCode(instanceId, (parsed.data as SimOpArgs<"pairCode">).phone);
    if (!code) throw new SimError("not_connected", "instance is not connected");
    return code;
  }
  if (!phone) throw new SimError("not_paired", "device not paired");
  const handler = PAIRED_OPS[op as Exclude<SimOp, "pairCode">] as Handler<SimOp>;
  return handler(world, { phone, instanceId }, parsed.data);
}
