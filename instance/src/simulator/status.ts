// Status updates on the simulated network: posted to the author's contacts as the privacy setting
// allows (all contacts, all but some, or only some), revoked for the same audience, each viewer's
// devices told with the `message` and `message_delete` events WhatsApp's status broadcasts produce.
import type { EventDataOf } from "@wsapi/contracts/events";
import { STATUS_BROADCAST_JID, type StatusPrivacy } from "@wsapi/contracts/status-api";
import { phoneOf } from "./network.js";
import type { SimOpArgs } from "./protocol.js";
import type { WireStatusPost } from "./protocol-social.js";
import {
  type Actor,
  newMessageId,
  nowIso,
  SimError,
  type SimStatusPrivacy,
  type SimWorld,
  sender,
} from "./world.js";

const POST_LIMIT = 5_000;

export function statusPrivacy(world: SimWorld, actor: Actor): StatusPrivacy[] {
  const setting = world.statusPrivacy.get(actor.phone);
  if (!setting) return [{ type: "contacts", list: [], isDefault: true }];
  return [{ type: setting.type, list: [...setting.list], isDefault: true }];
}

/** A phone's own change on its phone (the simulator's HTTP API): who sees its status updates. */
export function setStatusPrivacy(world: SimWorld, phone: string, setting: SimStatusPrivacy): void {
  world.statusPrivacy.set(phone, { type: setting.type, list: [...new Set(setting.list)] });
}

/** The phones a status update of `phone` reaches, by its contacts and its privacy setting. */
function audienceOf(world: SimWorld, phone: string): string[] {
  const setting = world.statusPrivacy.get(phone) ?? { type: "contacts", list: [] };
  const listed = new Set(setting.list.map((jid) => phoneOf(jid)).filter((p) => p !== undefined));
  const contacts = [...world.net.account(phone).contacts.keys()]
    .map((jid) => phoneOf(jid))
    .filter((p) => p !== undefined);
  const chosen =
    setting.type === "whitelist"
      ? [...listed]
      : setting.type === "blacklist"
        ? contacts.filter((p) => !listed.has(p))
        : contacts;
  return [...new Set(chosen)].filter((p) => p !== phone && world.net.accounts.has(p));
}

function content(world: SimWorld, post: WireStatusPost, viewers: string[]) {
  if (post.kind === "text") return { type: "text" as const, text: post.text };
  const bytes = Buffer.from(post.data, "base64");
  const id = world.storeMedia(bytes, post.mimeType, undefined, viewers);
  return {
    type: "media" as const,
    media: {
      mediaType: post.mediaType,
      mimeType: post.mimeType,
      id,
      fileLength: bytes.length,
      ...(post.caption ? { caption: post.caption } : {}),
    },
  };
}

export function postStatus(
  world: SimWorld,
  actor: Actor,
  { content: post }: SimOpArgs<"postStatus">,
): string {
  const audience = audienceOf(world, actor.phone);
  const id = newMessageId();
  const time = nowIso();
  const body = content(world, post, [actor.phone, ...audience]);
  world.statusPosts.set(id, { id, from: actor.phone, audience, revoked: false });
  if (world.statusPosts.size > POST_LIMIT)
    world.statusPosts.delete(world.statusPosts.keys().next().value as string);
  const event = (viewer: string): EventDataOf<"message"> => ({
    id,
    time,
    chatId: STATUS_BROADCAST_JID,
    sender: sender(actor.phone, viewer),
    isGroup: false,
    isStatus: true,
    ...body,
  });
  // The author's other devices see their own post, as WhatsApp syncs it to them.
  world.net.emit(actor.phone, "message", event(actor.phone), actor.instanceId);
  for (const viewer of audience) world.net.emit(viewer, "message", event(viewer));
  return id;
}

export function revokeStatus(world: SimWorld, actor: Actor, { messageId }: SimOpArgs<"revokeStatus">): void {
  const post = world.statusPosts.get(messageId);
  if (!post || post.from !== actor.phone || post.revoked)
    throw new SimError("rejected", "no status update of this account has this id");
  post.revoked = true;
  const event = (viewer: string): EventDataOf<"message_delete"> => ({
    id: post.id,
    sender: sender(actor.phone, viewer),
    chatId: STATUS_BROADCAST_JID,
    time: nowIso(),
    isDeletedForAll: true,
    isStatus: true,
  });
  world.net.emit(actor.phone, "message_delete", event(actor.phone), actor.instanceId);
  for (const viewer of post.audience) world.net.emit(viewer, "message_delete", event(viewer));
}

export const STATUS_HANDLERS = {
  statusPrivacy,
  postStatus,
  revokeStatus,
};
