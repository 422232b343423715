// Transport adapter for the local simulated WhatsApp network (development and tests).

import {
  BulkCheckResult,
  BusinessProfile,
  ChatListItem,
  ChatPicture,
  ContactInfo,
  GroupInfo,
  GroupParticipantRequest,
  Identity,
  type PrivacySetting,
  PrivacySettings,
  type PrivacyValue,
  UserInfo,
  UserMeInfo,
} from "@wsapi/contracts/instance-api";
import { z } from "zod";
import { DownloadedMediaWire, type WireMessage } from "../simulator/protocol.js";
import type {
  ChatPresenceState,
  ChatSettingChange,
  DownloadedMedia,
  GroupInvite,
  GroupSettingChange,
  MessageRef,
  OutgoingMessage,
  ParticipantAction,
  ProfileUpdate,
  ReceiptType,
  SendOptions,
  TransportStatus,
  WhatsAppTransport,
} from "./port.js";
import { simulatorCommunities } from "./simulator-communities.js";
import { SimulatorConnection, type SimulatorConnectionOptions } from "./simulator-connection.js";
import { simulatorNewsletters } from "./simulator-newsletters.js";
import { simulatorStatus } from "./simulator-status.js";

export type SimulatorTransportOptions = SimulatorConnectionOptions & {
  /** The simulated server answers a send once it has the message: that answer is its ack. */
  onServerAck?: (messageId: string) => void;
};

const Id = z.string();
const Done = z.unknown();

export class SimulatorTransport implements WhatsAppTransport {
  private readonly network: SimulatorConnection;

  readonly statusUpdates;
  readonly newsletters;
  readonly communities;

  constructor(options: SimulatorTransportOptions) {
    const { onServerAck } = options;
    this.network = new SimulatorConnection({
      ...options,
      // Stamped as the answer is read, so before a delivery receipt the network sends after it.
      onAnswer: (op, result) => op === "send" && typeof result === "string" && onServerAck?.(result),
    });
    this.statusUpdates = simulatorStatus(this.network);
    this.newsletters = simulatorNewsletters(this.network);
    this.communities = simulatorCommunities(this.network);
  }

  start = () => this.network.open();
  stop = () => this.network.close();
  status = (): TransportStatus => this.network.status();
  qrCode = () => this.network.qrCode();

  requestPairCode = (phone: string) => this.network.call("pairCode", { phone }, Id);
  logout = async () => void (await this.network.call("logout", {}, Done));

  send = (to: string, message: OutgoingMessage, options: SendOptions) =>
    this.network.call("send", { to, message: toWire(message), options }, Id);
  react = (ref: MessageRef, emoji: string) => this.network.call("react", { ref, emoji }, Id);
  edit = (ref: MessageRef, text: string) => this.network.call("edit", { ref, text }, Id);
  markRead = async (ref: MessageRef, receiptType: ReceiptType) =>
    void (await this.network.call("markRead", { ref, receiptType }, Done));
  star = async (ref: MessageRef, starred: boolean) =>
    void (await this.network.call("star", { ref, starred }, Done));
  pin = async (ref: MessageRef, pinned: boolean, expiration: "24h" | "7d" | "30d" | undefined) =>
    void (await this.network.call("pin", { ref, pinned, ...(expiration ? { expiration } : {}) }, Done));
  deleteForEveryone = async (ref: MessageRef) =>
    void (await this.network.call("deleteForEveryone", { ref }, Done));

  listChats = () => this.network.call("listChats", {}, z.array(ChatListItem));
  getChat = (chatId: string) => this.network.call("getChat", { chatId }, ChatListItem.optional());
  setChatPresence = async (chatId: string, state: ChatPresenceState) =>
    void (await this.network.call("setChatPresence", { chatId, state }, Done));
  subscribePresence = async (chatId: string) =>
    void (await this.network.call("subscribePresence", { chatId }, Done));
  updateChatSetting = async (chatId: string, change: ChatSettingChange) =>
    void (await this.network.call("updateChatSetting", { chatId, change }, Done));

  listContacts = () => this.network.call("listContacts", {}, z.array(ContactInfo));
  getContact = (contactId: string) => this.network.call("getContact", { contactId }, ContactInfo.optional());
  saveContact = async (contact: { id: string; fullName: string; firstName?: string }) =>
    void (await this.network.call("saveContact", contact, Done));

  myProfile = () => this.network.call("myProfile", {}, UserMeInfo);
  updateProfile = async (update: ProfileUpdate) =>
    void (await this.network.call(
      "updateProfile",
      { ...update, picture: update.picture?.toString("base64") },
      Done,
    ));
  setPresence = async (presence: "available" | "unavailable") =>
    void (await this.network.call("setPresence", { presence }, Done));
  checkUsers = (phones: string[]) => this.network.call("checkUsers", { phones }, z.array(BulkCheckResult));
  userProfile = (phone: string) => this.network.call("userProfile", { phone }, UserInfo);

  createGroup = (name: string, participants: string[]) =>
    this.network.call("createGroup", { name, participants }, GroupInfo);
  listGroups = () => this.network.call("listGroups", {}, z.array(GroupInfo));
  getGroup = (groupId: string) => this.network.call("getGroup", { groupId }, GroupInfo.optional());
  updateGroupParticipants = async (groupId: string, participants: string[], action: ParticipantAction) =>
    void (await this.network.call("updateGroupParticipants", { groupId, participants, action }, Done));
  groupInviteLink = (groupId: string, reset: boolean) =>
    this.network.call("groupInviteLink", { groupId, reset }, Id);
  joinGroup = (code: string) => this.network.call("joinGroup", { code }, Id);
  leaveGroup = async (groupId: string) => void (await this.network.call("leaveGroup", { groupId }, Done));
  setGroupName = async (groupId: string, name: string) =>
    void (await this.network.call("setGroupName", { groupId, name }, Done));
  setGroupDescription = async (groupId: string, description: string) =>
    void (await this.network.call("setGroupDescription", { groupId, description }, Done));
  updateGroupSetting = async (groupId: string, change: GroupSettingChange) =>
    void (await this.network.call("updateGroupSetting", { groupId, change }, Done));

  downloadMedia = async (mediaId: string): Promise<DownloadedMedia | undefined> => {
    const media = await this.network.call("downloadMedia", { mediaId }, DownloadedMediaWire.optional());
    if (!media) return undefined;
    return { bytes: Buffer.from(media.data, "base64"), mimeType: media.mimeType, filename: media.filename };
  };
  rejectCall = async (callId: string, callerId: string) =>
    void (await this.network.call("rejectCall", { callId, callerId }, Done));

  flushHistory = async () => this.network.flushHistory();
  requestChatMessages = async (chatId: string, before: MessageRef, count: number) =>
    void (await this.network.call("requestChatMessages", { chatId, before, count }, Done));
  deleteForMe = async (ref: MessageRef) => void (await this.network.call("deleteForMe", { ref }, Done));
  clearChat = async (chatId: string) => void (await this.network.call("clearChat", { chatId }, Done));
  deleteChat = async (chatId: string) => void (await this.network.call("deleteChat", { chatId }, Done));
  chatPicture = (chatId: string) => this.network.call("chatPicture", { chatId }, ChatPicture);
  businessProfile = (chatId: string) =>
    this.network.call("businessProfile", { chatId }, BusinessProfile.optional());
  syncContacts = async () => void (await this.network.call("syncContacts", {}, Done));
  blocklist = () => this.network.call("blocklist", {}, z.array(Identity));
  setBlocked = async (contactId: string, blocked: boolean) =>
    void (await this.network.call("setBlocked", { contactId, blocked }, Done));
  privacySettings = () => this.network.call("privacySettings", {}, PrivacySettings);
  setPrivacy = async (setting: PrivacySetting, value: PrivacyValue) =>
    void (await this.network.call("setPrivacy", { setting, value }, Done));
  setGroupPicture = (groupId: string, jpeg: Buffer) =>
    this.network.call("setGroupPicture", { groupId, picture: jpeg.toString("base64") }, Id);
  joinGroupWithInvite = async (invite: GroupInvite) =>
    void (await this.network.call("joinGroupWithInvite", invite, Done));
  groupInviteInfo = (code: string) => this.network.call("groupInviteInfo", { code }, GroupInfo.optional());
  groupJoinRequests = (groupId: string) =>
    this.network.call("groupJoinRequests", { groupId }, z.array(GroupParticipantRequest));
  updateGroupJoinRequests = async (groupId: string, participants: string[], action: "approve" | "reject") =>
    void (await this.network.call("updateGroupJoinRequests", { groupId, participants, action }, Done));
}

function toWire(message: OutgoingMessage): WireMessage {
  if (message.kind === "media") {
    const { bytes, ...rest } = message;
    return { ...rest, data: bytes.toString("base64") };
  }
  if (message.kind === "link") {
    const { jpegThumbnail: _thumbnail, ...rest } = message;
    return rest;
  }
  return message;
}
