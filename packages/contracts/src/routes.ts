// The one route table of WSAPI's instance API: every published instance operation once, keyed by
// WSAPI's operationId, plus our extension operations (marked `extension`, keyed by our own ids). The
// gateway registers and validates from it, the instance registers one handler per implemented entry
// (a `gateway` entry is served by the gateway itself), /openapi.json is generated from it, and the
// security, fuzz and tenant tests iterate it.
import { z } from "zod";
import * as community from "./community-api.js";
import * as api from "./instance-api.js";
import { MessageTimeline } from "./message-timeline.js";
import * as newsletter from "./newsletter-api.js";
import { SendQueueCancelled, SendQueueStatus } from "./pacing.js";
import * as status from "./status-api.js";

export type RouteMethod = "GET" | "POST" | "PUT" | "DELETE";
/** `gateway`: served by the gateway itself (never forwarded to the instance); our extension. */
export type RouteState = "implemented" | "gateway";
/** A response that is not JSON: its media type. */
export type BinaryResponse = { binary: "image/png" | "application/octet-stream" | "text/event-stream" };

export interface RouteSpec<
  S extends RouteState = RouteState,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> {
  state: S;
  method: RouteMethod;
  /** Hono pattern: `:name` for a path parameter. */
  path: string;
  /** Needs a paired device: 409 NOT_PAIRED before pairing, 503 while it reconnects. */
  paired: boolean;
  /** JSON request body, validated by the gateway and by the instance. */
  request: R;
  /** Query string parameters (documented in /openapi.json; the instance validates them). */
  query?: z.ZodObject;
  /** Byte cap of the request body (SMALL_BODY_MAX_BYTES unless set). */
  maxBytes: number;
  response?: z.ZodType | BinaryResponse;
  success: 200 | 201 | 202 | 204;
  /** Error statuses the operation itself answers (the gateway adds 401, 403, 404, 429; 413, 415 with a body). */
  errors: readonly number[];
  /** Ours, not in WSAPI's OpenAPI: documented in the README, marked `x-wsapi-extension` in /openapi.json. */
  extension: boolean;
}

interface Options<R> {
  request?: R;
  query?: z.ZodObject;
  response?: z.ZodType | BinaryResponse;
  success?: RouteSpec["success"];
  paired?: boolean;
  maxBytes?: number;
  /** Statuses besides 400, 409 (paired routes) and 503. */
  errors?: number[];
  extension?: boolean;
}

function route<S extends RouteState, R extends z.ZodType | undefined = undefined>(
  state: S,
  method: RouteMethod,
  path: string,
  options: Options<R> = {},
): RouteSpec<S, R> {
  const paired = options.paired ?? true;
  const errors = [400, ...(paired ? [409] : []), 503, ...(options.errors ?? [])].sort((a, b) => a - b);
  return {
    state,
    method,
    path,
    paired,
    request: options.request as R,
    ...(options.query ? { query: options.query } : {}),
    maxBytes: options.maxBytes ?? api.SMALL_BODY_MAX_BYTES,
    ...(options.response ? { response: options.response } : {}),
    success: options.success ?? (options.response ? 200 : 204),
    errors: [...new Set(errors)],
    extension: options.extension ?? false,
  };
}

const ready = <R extends z.ZodType | undefined = undefined>(
  method: RouteMethod,
  path: string,
  options?: Options<R>,
) => route("implemented", method, path, options);

const created = { response: api.CreatedResponse, success: 201 } as const;
const send = <R extends z.ZodType>(kind: api.MediaKind, request: R) =>
  ready("POST", `/messages/${kind}`, { request, ...created, maxBytes: api.MEDIA_BODY_MAX_BYTES });
const session = { paired: false } as const;
/** Our extension: the paced-sending queue (./pacing.ts); readable and cancellable while unpaired. */
const sendQueue = { paired: false, extension: true } as const;
const notFound = { errors: [404] };

export const INSTANCE_OPERATIONS = {
  getQR: ready("GET", "/session/qr", { ...session, response: { binary: "image/png" }, errors: [409] }),
  getQRText: ready("GET", "/session/qr/text", { ...session, response: api.CodeResponse, errors: [409] }),
  getPairCode: ready("GET", "/session/pair-code/:phone", {
    ...session,
    response: api.CodeResponse,
    errors: [409],
  }),
  getSessionStatus: ready("GET", "/session/status", { ...session, response: api.SessionStatus }),
  logout: ready("POST", "/session/logout", { ...session, errors: [409] }),
  flushHistory: ready("POST", "/session/flush-history", { response: api.AcceptedResponse, success: 202 }),
  // Our extension: the instance's events as Server-Sent Events, resumable with Last-Event-ID.
  streamEvents: route("gateway", "GET", "/events/stream", {
    ...session,
    extension: true,
    response: { binary: "text/event-stream" },
    errors: [406],
  }),

  sendText: ready("POST", "/messages/text", { request: api.SendTextRequest, ...created }),
  sendImage: send("image", api.SendMediaRequest),
  sendVideo: send("video", api.SendMediaRequest),
  sendAudio: send("audio", api.SendMediaRequest),
  sendVoice: send("voice", api.SendMediaRequest),
  sendDocument: send("document", api.SendDocumentRequest),
  sendSticker: send("sticker", api.SendStickerRequest),
  sendContact: ready("POST", "/messages/contact", { request: api.SendContactRequest, ...created }),
  sendLocation: ready("POST", "/messages/location", { request: api.SendLocationRequest, ...created }),
  sendLink: ready("POST", "/messages/link", { request: api.SendLinkRequest, ...created }),
  getSendQueue: ready("GET", "/messages/queue", { ...sendQueue, response: SendQueueStatus }),
  cancelSendQueue: ready("DELETE", "/messages/queue", { ...sendQueue, response: SendQueueCancelled }),
  // Our extension: a message's stages from metadata, served by the gateway from Firestore (./message-timeline.ts).
  getMessageTimeline: route("gateway", "GET", "/messages/:messageId/timeline", {
    ...session,
    extension: true,
    response: MessageTimeline,
    ...notFound,
  }),
  sendReaction: ready("POST", "/messages/:messageId/reaction", {
    request: api.SendReactionRequest,
    response: api.CreatedResponse,
  }),
  editMessage: ready("POST", "/messages/:messageId/edit", {
    request: api.EditMessageRequest,
    response: api.CreatedResponse,
  }),
  markAsRead: ready("POST", "/messages/:messageId/read", { request: api.MarkAsReadRequest }),
  starMessage: ready("POST", "/messages/:messageId/star", { request: api.StarMessageRequest }),
  pinMessage: ready("POST", "/messages/:messageId/pin", { request: api.PinMessageRequest }),
  deleteMessage: ready("POST", "/messages/:messageId/delete", { request: api.DeleteMessageRequest }),
  deleteMessageForMe: ready("POST", "/messages/:messageId/delete-for-me", {
    request: api.DeleteMessageForMeRequest,
  }),

  listGroups: ready("GET", "/groups", { response: z.array(api.GroupInfo) }),
  createGroup: ready("POST", "/groups", { request: api.CreateGroupRequest, ...created }),
  getGroup: ready("GET", "/groups/:groupId", { response: api.GroupInfo, ...notFound }),
  setGroupName: ready("PUT", "/groups/:groupId/name", { request: api.SetGroupNameRequest }),
  setGroupDescription: ready("PUT", "/groups/:groupId/description", {
    request: api.SetGroupDescriptionRequest,
  }),
  setGroupPicture: ready("POST", "/groups/:groupId/picture", {
    request: api.SetPictureRequest,
    response: api.PictureIdResponse,
  }),
  leaveGroup: ready("POST", "/groups/:groupId/leave"),
  getGroupParticipants: ready("GET", "/groups/:groupId/participants", {
    response: z.array(api.GroupParticipant),
    ...notFound,
  }),
  updateGroupParticipants: ready("PUT", "/groups/:groupId/participants", {
    request: api.UpdateParticipantsRequest,
  }),
  getGroupInviteLink: ready("GET", "/groups/:groupId/invite-link", { response: api.InviteLinkResponse }),
  resetGroupInviteLink: ready("POST", "/groups/:groupId/invite-link/reset", {
    response: api.InviteLinkResponse,
  }),
  setGroupAnnounce: ready("PUT", "/groups/:groupId/settings/announce", { request: api.SetBoolRequest }),
  setGroupLocked: ready("PUT", "/groups/:groupId/settings/locked", { request: api.SetBoolRequest }),
  setGroupJoinApproval: ready("PUT", "/groups/:groupId/settings/join-approval", {
    request: api.SetBoolRequest,
  }),
  setGroupMemberAddMode: ready("PUT", "/groups/:groupId/settings/member-add-mode", {
    request: api.SetMemberAddModeRequest,
  }),
  joinGroupWithLink: ready("POST", "/groups/join/link", { request: api.JoinWithLinkRequest, ...created }),
  joinGroupWithInvite: ready("POST", "/groups/join/invite", { request: api.JoinWithInviteRequest }),
  getGroupInfoFromLink: ready("GET", "/groups/invite/:code", { response: api.GroupInfo, ...notFound }),
  getGroupRequests: ready("GET", "/groups/:groupId/requests", {
    response: z.array(api.GroupParticipantRequest),
    ...notFound,
  }),
  updateGroupRequests: ready("PUT", "/groups/:groupId/requests", { request: api.UpdateRequestsRequest }),

  listCommunities: ready("GET", "/communities", { response: z.array(community.CommunityInfo) }),
  createCommunity: ready("POST", "/communities", { request: community.CreateCommunityRequest, ...created }),
  getCommunity: ready("GET", "/communities/:communityId", { response: community.CommunityInfo, ...notFound }),
  leaveCommunity: ready("POST", "/communities/:communityId/leave"),
  setCommunityName: ready("PUT", "/communities/:communityId/name", { request: api.SetGroupNameRequest }),
  setCommunityDescription: ready("PUT", "/communities/:communityId/description", {
    request: api.SetGroupDescriptionRequest,
  }),
  setCommunityPicture: ready("POST", "/communities/:communityId/picture", {
    request: community.SetCommunityPictureRequest,
    response: community.PictureIdResponse,
  }),
  setCommunityLocked: ready("PUT", "/communities/:communityId/settings/locked", {
    request: api.SetBoolRequest,
  }),
  getCommunityParticipants: ready("GET", "/communities/:communityId/participants", {
    response: z.array(api.Identity),
    ...notFound,
  }),
  updateCommunityParticipants: ready("PUT", "/communities/:communityId/participants", {
    request: api.UpdateParticipantsRequest,
  }),
  getCommunityInviteLink: ready("GET", "/communities/:communityId/invite-link", {
    response: api.InviteLinkResponse,
  }),
  resetCommunityInviteLink: ready("POST", "/communities/:communityId/invite-link/reset", {
    response: api.InviteLinkResponse,
  }),
  getCommunitySubGroups: ready("GET", "/communities/:communityId/groups", {
    response: z.array(community.CommunitySubGroup),
    ...notFound,
  }),
  createCommunityGroup: ready("POST", "/communities/:communityId/groups", {
    request: community.CreateCommunityGroupRequest,
    ...created,
  }),
  linkGroupToCommunity: ready("POST", "/communities/:communityId/groups/link", {
    request: community.LinkGroupRequest,
  }),
  unlinkCommunityGroup: ready("DELETE", "/communities/:communityId/groups/:groupId"),

  listContacts: ready("GET", "/contacts", { response: z.array(api.ContactInfo) }),
  createContact: ready("POST", "/contacts", { request: api.CreateContactRequest }),
  syncContacts: ready("POST", "/contacts/sync"),
  getBlocklist: ready("GET", "/contacts/blocklist", { response: z.array(api.Identity) }),
  getContact: ready("GET", "/contacts/:contactId", { response: api.ContactInfo, ...notFound }),
  blockContact: ready("PUT", "/contacts/:contactId/block"),
  unblockContact: ready("PUT", "/contacts/:contactId/unblock"),

  getMyProfile: ready("GET", "/users/me/profile", { response: api.UserMeInfo }),
  updateMyProfile: ready("PUT", "/users/me/profile", { request: api.UpdateProfileRequest }),
  setPresence: ready("PUT", "/users/me/presence", { request: api.SetMyPresenceRequest }),
  getPrivacySettings: ready("GET", "/users/me/privacy", { response: api.PrivacySettings }),
  setPrivacySetting: ready("PUT", "/users/me/privacy", {
    request: api.SetPrivacyRequest,
    response: api.PrivacySettings,
  }),
  bulkCheckUsers: ready("POST", "/users/check", {
    request: api.BulkCheckRequest,
    response: z.array(api.BulkCheckResult),
  }),
  checkUser: ready("GET", "/users/:phone/check", { response: api.CheckUserResponse }),
  getUserProfile: ready("GET", "/users/:phone/profile", { response: api.UserInfo }),

  downloadMedia: ready("GET", "/media/download", {
    query: api.MediaDownloadQuery,
    response: { binary: "application/octet-stream" },
    ...notFound,
  }),

  listChats: ready("GET", "/chats", { response: z.array(api.ChatListItem) }),
  getChatInfo: ready("GET", "/chats/:chatId", { response: api.ChatListItem, ...notFound }),
  deleteChat: ready("DELETE", "/chats/:chatId"),
  getChatPicture: ready("GET", "/chats/:chatId/picture", { response: api.ChatPicture }),
  getChatBusinessProfile: ready("GET", "/chats/:chatId/business", {
    response: api.BusinessProfile,
    ...notFound,
  }),
  setChatPresence: ready("PUT", "/chats/:chatId/presence", { request: api.SetChatPresenceRequest }),
  subscribeChatPresence: ready("PUT", "/chats/:chatId/presence/subscribe"),
  setChatEphemeral: ready("PUT", "/chats/:chatId/ephemeral", { request: api.SetChatEphemeralRequest }),
  muteChat: ready("PUT", "/chats/:chatId/mute", { request: api.MuteChatRequest }),
  pinChat: ready("PUT", "/chats/:chatId/pin", { request: api.PinChatRequest }),
  archiveChat: ready("PUT", "/chats/:chatId/archive", { request: api.ArchiveChatRequest }),
  markChatAsRead: ready("PUT", "/chats/:chatId/read", { request: api.ChatMarkAsReadRequest }),
  requestChatMessages: ready("POST", "/chats/:chatId/messages", {
    request: api.RequestMessagesRequest,
    response: api.AcceptedResponse,
    success: 202,
    ...notFound,
  }),
  clearChat: ready("POST", "/chats/:chatId/clear"),

  rejectCall: ready("POST", "/calls/:callId/reject", { request: api.RejectCallRequest }),

  listNewsletters: ready("GET", "/newsletters", { response: z.array(newsletter.NewsletterInfo) }),
  createNewsletter: ready("POST", "/newsletters", {
    request: newsletter.CreateNewsletterRequest,
    ...created,
  }),
  getNewsletterByInviteCode: ready("GET", "/newsletters/invite/:code", {
    response: newsletter.NewsletterInfo,
    ...notFound,
  }),
  getNewsletter: ready("GET", "/newsletters/:newsletterId", {
    response: newsletter.NewsletterInfo,
    ...notFound,
  }),
  setNewsletterSubscription: ready("PUT", "/newsletters/:newsletterId/subscription", {
    request: newsletter.SetSubscriptionRequest,
  }),
  toggleMuteNewsletter: ready("PUT", "/newsletters/:newsletterId/mute", {
    request: newsletter.ToggleMuteNewsletterRequest,
  }),

  getStatusPrivacy: ready("GET", "/status/privacy", { response: z.array(status.StatusPrivacy) }),
  postTextStatus: ready("POST", "/status/text", { request: status.PostTextStatusRequest, ...created }),
  postImageStatus: ready("POST", "/status/image", {
    request: status.PostMediaStatusRequest,
    ...created,
    maxBytes: api.MEDIA_BODY_MAX_BYTES,
  }),
  postVideoStatus: ready("POST", "/status/video", {
    request: status.PostMediaStatusRequest,
    ...created,
    maxBytes: api.MEDIA_BODY_MAX_BYTES,
  }),
  deleteStatus: ready("POST", "/status/:messageId/delete"),
} as const;

export type OperationId = keyof typeof INSTANCE_OPERATIONS;
export type ImplementedOperation = {
  [K in OperationId]: (typeof INSTANCE_OPERATIONS)[K]["state"] extends "implemented" ? K : never;
}[OperationId];
/** The validated JSON body of an operation (undefined when it takes none). */
export type RequestBody<K extends OperationId> =
  (typeof INSTANCE_OPERATIONS)[K]["request"] extends infer R extends z.ZodType ? z.output<R> : undefined;

export type InstanceRoute = RouteSpec & { operationId: OperationId };

const segmentKeys = (path: string) =>
  path.split("/").map((segment) => (segment.startsWith(":") ? "1" : `0${segment}`));

/** Orders paths so that at the first segment where two differ, a literal comes before a parameter. */
function literalFirst(a: { path: string }, b: { path: string }): number {
  const [left, right] = [segmentKeys(a.path), segmentKeys(b.path)];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i]! < right[i]! ? -1 : 1;
  }
  return left.length - right.length;
}

/** Every operation in registration order (literal segments before parameters). */
export const INSTANCE_ROUTES: readonly InstanceRoute[] = Object.entries(INSTANCE_OPERATIONS)
  .map(([operationId, spec]) => ({ ...(spec as RouteSpec), operationId: operationId as OperationId }))
  .sort(literalFirst);

export const IMPLEMENTED_ROUTES = INSTANCE_ROUTES.filter((entry) => entry.state === "implemented");
