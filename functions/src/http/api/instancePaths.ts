import * as api from "@wsapi/contracts/instance-api";
import type { z } from "zod";

// Every WSAPI instance path the gateway forwards, with the body schema and byte cap it enforces
// before anything reaches the instance. Paths use Hono patterns.
export interface InstancePath {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  body?: z.ZodType;
  maxBytes?: number;
}

const media = (path: string, body: z.ZodType): InstancePath => ({
  method: "POST",
  path,
  body,
  maxBytes: api.MEDIA_BODY_MAX_BYTES,
});
const post = (path: string, body?: z.ZodType): InstancePath => ({
  method: "POST",
  path,
  ...(body ? { body } : {}),
});
const put = (path: string, body?: z.ZodType): InstancePath => ({
  method: "PUT",
  path,
  ...(body ? { body } : {}),
});
const get = (path: string): InstancePath => ({ method: "GET", path });
const del = (path: string): InstancePath => ({ method: "DELETE", path });

export const INSTANCE_PATHS: InstancePath[] = [
  get("/session/qr"),
  get("/session/qr/text"),
  get("/session/pair-code/:phone"),
  get("/session/status"),
  post("/session/logout"),
  post("/session/flush-history"),
  post("/messages/text", api.SendTextRequest),
  ...(["image", "video", "audio", "voice"] as const).map((kind) =>
    media(`/messages/${kind}`, api.SendMediaRequest),
  ),
  media("/messages/document", api.SendDocumentRequest),
  media("/messages/sticker", api.SendStickerRequest),
  post("/messages/contact", api.SendContactRequest),
  post("/messages/location", api.SendLocationRequest),
  post("/messages/link", api.SendLinkRequest),
  post("/messages/:messageId/reaction", api.SendReactionRequest),
  post("/messages/:messageId/edit", api.EditMessageRequest),
  post("/messages/:messageId/read", api.MarkAsReadRequest),
  post("/messages/:messageId/star", api.StarMessageRequest),
  post("/messages/:messageId/pin", api.PinMessageRequest),
  post("/messages/:messageId/delete", api.DeleteMessageRequest),
  post("/messages/:messageId/delete-for-me", api.DeleteMessageRequest),
  get("/chats"),
  get("/chats/:chatId"),
  del("/chats/:chatId"),
  get("/chats/:chatId/picture"),
  put("/chats/:chatId/presence", api.SetChatPresenceRequest),
  put("/chats/:chatId/ephemeral", api.SetChatEphemeralRequest),
  put("/chats/:chatId/mute", api.MuteChatRequest),
  put("/chats/:chatId/pin", api.PinChatRequest),
  put("/chats/:chatId/archive", api.ArchiveChatRequest),
  put("/chats/:chatId/read", api.ChatMarkAsReadRequest),
  post("/chats/:chatId/clear"),
  get("/contacts"),
  post("/contacts", api.CreateContactRequest),
  get("/contacts/blocklist"),
  get("/contacts/:contactId"),
  put("/contacts/:contactId/block"),
  put("/contacts/:contactId/unblock"),
  get("/users/me/profile"),
  put("/users/me/profile", api.UpdateProfileRequest),
  put("/users/me/presence", api.SetMyPresenceRequest),
  post("/users/check", api.BulkCheckRequest),
  get("/users/:phone/check"),
  get("/users/:phone/profile"),
  get("/groups"),
  post("/groups", api.CreateGroupRequest),
  post("/groups/join/link", api.JoinWithLinkRequest),
  get("/groups/invite/:code"),
  get("/groups/:groupId"),
  put("/groups/:groupId/name", api.SetGroupNameRequest),
  put("/groups/:groupId/description", api.SetGroupDescriptionRequest),
  post("/groups/:groupId/leave"),
  get("/groups/:groupId/participants"),
  put("/groups/:groupId/participants", api.UpdateParticipantsRequest),
  get("/groups/:groupId/invite-link"),
  post("/groups/:groupId/invite-link/reset"),
  put("/groups/:groupId/settings/announce", api.SetBoolRequest),
  put("/groups/:groupId/settings/locked", api.SetBoolRequest),
  put("/groups/:groupId/settings/join-approval", api.SetBoolRequest),
  put("/groups/:groupId/settings/member-add-mode", api.SetMemberAddModeRequest),
  post("/calls/:callId/reject", api.RejectCallRequest),
  get("/media/download"),
];
