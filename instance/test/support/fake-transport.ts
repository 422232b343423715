// A transport that never touches a network: fixed status, canned answers, recorded calls.
import type { TransportStatus, WhatsAppTransport } from "../../src/transport/port.js";

export class FakeTransport implements WhatsAppTransport {
  calls: { method: string; args: unknown[] }[] = [];

  constructor(
    public current: TransportStatus = {
      isConnected: true,
      isLoggedIn: true,
      deviceId: "15550001111:3@s.whatsapp.net",
    },
  ) {}

  private record<T>(method: string, args: unknown[], result: T): Promise<T> {
    this.calls.push({ method, args });
    return Promise.resolve(result);
  }

  start = async () => {};
  stop = async () => {};
  status = () => this.current;
  qrCode = () => (this.current.isLoggedIn ? undefined : "2@fake-qr,AAAA,BBBB,CCCC");
  requestPairCode = (...args: unknown[]) => this.record("requestPairCode", args, "ABCD-EFGH");
  logout = (...args: unknown[]) => this.record("logout", args, undefined);
  send = (...args: unknown[]) => this.record("send", args, "3EB0FAKE0000000001");
  react = (...args: unknown[]) => this.record("react", args, "3EB0FAKE0000000002");
  edit = (...args: unknown[]) => this.record("edit", args, "3EB0FAKE0000000003");
  markRead = (...args: unknown[]) => this.record("markRead", args, undefined);
  star = (...args: unknown[]) => this.record("star", args, undefined);
  pin = (...args: unknown[]) => this.record("pin", args, undefined);
  deleteForEveryone = (...args: unknown[]) => this.record("deleteForEveryone", args, undefined);
  listChats = () => this.record("listChats", [], []);
  getChat = (...args: unknown[]) => this.record("getChat", args, undefined);
  setChatPresence = (...args: unknown[]) => this.record("setChatPresence", args, undefined);
  subscribePresence = (...args: unknown[]) => this.record("subscribePresence", args, undefined);
  updateChatSetting = (...args: unknown[]) => this.record("updateChatSetting", args, undefined);
  listContacts = () => this.record("listContacts", [], []);
  getContact = (...args: unknown[]) => this.record("getContact", args, undefined);
  saveContact = (...args: unknown[]) => this.record("saveContact", args, undefined);
  myProfile = () => this.record("myProfile", [], { id: "15550001111@s.whatsapp.net", phone: "15550001111" });
  updateProfile = (...args: unknown[]) => this.record("updateProfile", args, undefined);
  setPresence = (...args: unknown[]) => this.record("setPresence", args, undefined);
  checkUsers = (phones: string[]) =>
    this.record(
      "checkUsers",
      [phones],
      phones.map((query) => ({ query, isInWhatsApp: false })),
    );
  userProfile = (phone: string) =>
    this.record("userProfile", [phone], { id: `${phone}@s.whatsapp.net`, isInWhatsApp: false });
  createGroup = (...args: unknown[]) =>
    this.record("createGroup", args, {
      groupId: "120363000000000001@g.us",
      name: "g",
      isAnnounce: false,
      isLocked: false,
      participants: [],
    });
  listGroups = () => this.record("listGroups", [], []);
  getGroup = (...args: unknown[]) => this.record("getGroup", args, undefined);
  updateGroupParticipants = (...args: unknown[]) => this.record("updateGroupParticipants", args, undefined);
  groupInviteLink = (...args: unknown[]) => this.record("groupInviteLink", args, "AbCdEf123456");
  joinGroup = (...args: unknown[]) => this.record("joinGroup", args, "120363000000000001@g.us");
  leaveGroup = (...args: unknown[]) => this.record("leaveGroup", args, undefined);
  setGroupName = (...args: unknown[]) => this.record("setGroupName", args, undefined);
  setGroupDescription = (...args: unknown[]) => this.record("setGroupDescription", args, undefined);
  updateGroupSetting = (...args: unknown[]) => this.record("updateGroupSetting", args, undefined);
  downloadMedia = (...args: unknown[]) => this.record("downloadMedia", args, undefined);
  rejectCall = (...args: unknown[]) => this.record("rejectCall", args, undefined);
  flushHistory = () => this.record("flushHistory", [], undefined);
  requestChatMessages = (...args: unknown[]) => this.record("requestChatMessages", args, undefined);
  deleteForMe = (...args: unknown[]) => this.record("deleteForMe", args, undefined);
  clearChat = (...args: unknown[]) => this.record("clearChat", args, undefined);
  deleteChat = (...args: unknown[]) => this.record("deleteChat", args, undefined);
  chatPicture = (...args: unknown[]) => this.record("chatPicture", args, {});
  businessProfile = (...args: unknown[]) => this.record("businessProfile", args, undefined);
  syncContacts = () => this.record("syncContacts", [], undefined);
  blocklist = () => this.record("blocklist", [], []);
  setBlocked = (...args: unknown[]) => this.record("setBlocked", args, undefined);
  privacySettings = () => this.record("privacySettings", [], {});
  setPrivacy = (...args: unknown[]) => this.record("setPrivacy", args, undefined);
  setGroupPicture = (...args: unknown[]) => this.record("setGroupPicture", args, undefined);
  joinGroupWithInvite = (...args: unknown[]) => this.record("joinGroupWithInvite", args, undefined);
  groupInviteInfo = (...args: unknown[]) => this.record("groupInviteInfo", args, undefined);
  groupJoinRequests = (...args: unknown[]) => this.record("groupJoinRequests", args, []);
  updateGroupJoinRequests = (...args: unknown[]) => this.record("updateGroupJoinRequests", args, undefined);
  statusUpdates = {
    privacy: () =>
      this.record("statusPrivacy", [], [{ type: "contacts" as const, list: [], isDefault: true }]),
    post: (...args: unknown[]) => this.record("postStatus", args, "3EB0FAKE0000000004"),
    revoke: (...args: unknown[]) => this.record("revokeStatus", args, undefined),
  };
  newsletters = {
    list: () => this.record("listNewsletters", [], []),
    create: (...args: unknown[]) => this.record("createNewsletter", args, "120363000000000002@newsletter"),
    get: (...args: unknown[]) => this.record("getNewsletter", args, undefined),
    byInviteCode: (...args: unknown[]) => this.record("newsletterByInvite", args, undefined),
    setSubscribed: (...args: unknown[]) => this.record("setNewsletterSubscribed", args, undefined),
    setMuted: (...args: unknown[]) => this.record("setNewsletterMuted", args, undefined),
  };
  communities = {
    list: () => this.record("listCommunities", [], []),
    create: (...args: unknown[]) => this.record("createCommunity", args, "120363000000000003@g.us"),
    get: (...args: unknown[]) => this.record("getCommunity", args, undefined),
    participants: (...args: unknown[]) => this.record("communityParticipants", args, undefined),
    leave: (...args: unknown[]) => this.record("leaveCommunity", args, undefined),
    setName: (...args: unknown[]) => this.record("setCommunityName", args, undefined),
    setDescription: (...args: unknown[]) => this.record("setCommunityDescription", args, undefined),
    setLocked: (...args: unknown[]) => this.record("setCommunityLocked", args, undefined),
    setPicture: (...args: unknown[]) => this.record("setCommunityPicture", args, "1717000000"),
    updateParticipants: (...args: unknown[]) => this.record("updateCommunityParticipants", args, undefined),
    inviteCode: (...args: unknown[]) => this.record("communityInviteCode", args, "AbCdEf123456"),
    subGroups: (...args: unknown[]) => this.record("communitySubGroups", args, undefined),
    createGroup: (...args: unknown[]) => this.record("createCommunityGroup", args, "120363000000000004@g.us"),
    linkGroup: (...args: unknown[]) => this.record("linkCommunityGroup", args, undefined),
    unlinkGroup: (...args: unknown[]) => this.record("unlinkCommunityGroup", args, undefined),
  };
}
