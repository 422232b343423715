// Shared pieces of the simulated network's behaviour: who is acting, conversations, identities,
// and the stores for messages, media, groups and calls.
import { randomBytes } from "node:crypto";
import type { EventDataOf, EventSender, EventType } from "@wsapi/contracts/events";
import type { TransportErrorKind } from "../transport/port.js";
import { phoneOf, type SimNetwork, userJid } from "./network.js";

export class SimError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** A phone acting on the network, through one of its linked instances or the phone itself. */
export interface Actor {
  phone: string;
  instanceId?: string | undefined;
}

export interface SimMessage {
  id: string;
  from: string;
  chatId: string;
  isGroup: boolean;
  at: number;
}

export interface SimGroup {
  id: string;
  name: string;
  description: string;
  owner: string;
  createdAt: number;
  participants: Map<string, { admin: boolean; superAdmin: boolean }>;
  announce: boolean;
  locked: boolean;
  joinApproval: boolean;
  onlyAdminAdd: boolean;
  inviteCode: string;
  pictureId: string | undefined;
  /** Pending join requests (join approval on): phone → when. */
  requests: Map<string, number>;
  /** Invites sent in direct messages to phones whose privacy refused the add. */
  invites: Map<string, { code: string; inviter: string; expiresAt: number }>;
  /** Set on a community (the parent group): its announcement group. */
  community?: { announcementGroup: string; approvalRequired: boolean } | undefined;
  /** Set on a group linked to a community: the community's JID. */
  linkedParent?: string | undefined;
}

export interface SimCall {
  id: string;
  from: string;
  to: string;
  isVideo: boolean;
  state: "offer" | "accepted" | "rejected" | "ended";
}

/** A status update: its author and who received it (whom its revoke reaches). */
export interface SimStatusPost {
  id: string;
  from: string;
  audience: string[];
  revoked: boolean;
}

/** Who sees a phone's status updates; no entry means WhatsApp's default, all contacts. */
export interface SimStatusPrivacy {
  type: "contacts" | "blacklist" | "whitelist";
  list: string[];
}

/** A newsletter (channel): its owner, followers (each with their mute) and invite code. */
export interface SimNewsletter {
  id: string;
  name: string;
  description: string;
  owner: string;
  createdAt: number;
  inviteCode: string;
  picture: Buffer | undefined;
  followers: Map<string, { muted: boolean }>;
}

interface StoredMedia {
  bytes: Buffer;
  mimeType: string;
  filename: string | undefined;
  viewers: Set<string>;
}

const MESSAGE_LIMIT = 20_000;
const PICTURE_LIMIT = 1_000;
const MEDIA_BYTES_LIMIT = 512 * 1024 * 1024;

/** Bounded in-memory stores: the simulator is a development tool, not an archive. */
export class SimWorld {
  readonly messages = new Map<string, SimMessage>();
  readonly groups = new Map<string, SimGroup>();
  readonly calls = new Map<string, SimCall>();
  readonly statusPosts = new Map<string, SimStatusPost>();
  readonly statusPrivacy = new Map<string, SimStatusPrivacy>();
  readonly newsletters = new Map<string, SimNewsletter>();
  private readonly media = new Map<string, StoredMedia>();
  private mediaBytes = 0;
  private readonly pictures = new Map<string, Buffer>();
  private pictureCount = 0;
  /** Where the simulator's HTTP API serves pictures; set once it listens. */
  pictureBaseUrl = "";

  constructor(readonly net: SimNetwork) {}

  rememberMessage(message: SimMessage): void {
    this.messages.set(message.id, message);
    if (this.messages.size > MESSAGE_LIMIT) this.messages.delete(this.messages.keys().next().value as string);
  }

  message(id: string): SimMessage {
    const message = this.messages.get(id);
    if (!message) throw new SimError("not_found", "message not found");
    return message;
  }

  storeMedia(bytes: Buffer, mimeType: string, filename: string | undefined, viewers: string[]): string {
    const id = randomBytes(24).toString("base64url");
    this.media.set(id, { bytes, mimeType, filename, viewers: new Set(viewers) });
    this.mediaBytes += bytes.length;
    for (const [oldId, old] of this.media) {
      if (this.mediaBytes <= MEDIA_BYTES_LIMIT) break;
      this.media.delete(oldId);
      this.mediaBytes -= old.bytes.length;
    }
    return id;
  }

  storePicture(bytes: Buffer): string {
    this.pictureCount += 1;
    const id = `${Date.now()}${String(this.pictureCount % 10_000).padStart(4, "0")}`;
    this.pictures.set(id, bytes);
    if (this.pictures.size > PICTURE_LIMIT) this.pictures.delete(this.pictures.keys().next().value as string);
    return id;
  }

  picture(id: string): Buffer | undefined {
    return this.pictures.get(id);
  }

  pictureUrl(id: string): string {
    return `${this.pictureBaseUrl}/v1/pictures/${id}`;
  }

  mediaFor(phone: string, id: string): StoredMedia | undefined {
    const media = this.media.get(id);
    return media?.viewers.has(phone) ? media : undefined;
  }
}

export const newMessageId = () => `3EB0${randomBytes(8).toString("hex").toUpperCase()}`;
export const nowIso = (at = Date.now()) => new Date(at).toISOString();

export function identity(phone: string): { id: string; phone: string } {
  return { id: userJid(phone), phone };
}

export function sender(phone: string, viewer: string): EventSender {
  return { ...identity(phone), isMe: phone === viewer };
}

export function requirePhone(jid: string): string {
  const phone = phoneOf(jid);
  if (!phone)
    throw new SimError("rejected", "the simulator addresses people by phone JID (<digits>@s.whatsapp.net)");
  return phone;
}

/** A chat as seen by its members: a group, or two phones. */
export interface Conversation {
  isGroup: boolean;
  /** Group JID, or the other party's JID as the actor addressed it. */
  addressedAs: string;
  members: string[];
  group: SimGroup | undefined;
}

export function conversation(world: SimWorld, actor: string, chatId: string): Conversation {
  if (chatId.endsWith("@g.us")) {
    const group = world.groups.get(chatId);
    if (!group?.participants.has(actor)) throw new SimError("not_found", "group not found");
    return { isGroup: true, addressedAs: chatId, members: [...group.participants.keys()], group };
  }
  const other = requirePhone(chatId);
  return {
    isGroup: false,
    addressedAs: userJid(other),
    members: [...new Set([actor, other])],
    group: undefined,
  };
}

/** The chat id a member sees: the group, or the other party. */
export function chatIdFor(conv: Conversation, viewer: string, actor: string): string {
  if (conv.isGroup || viewer === actor) return conv.addressedAs;
  return userJid(actor);
}

/** Emits one event to every member's devices, built per viewer; the acting instance is skipped. */
export function fanOut<T extends EventType>(
  world: SimWorld,
  conv: Conversation,
  actor: Actor,
  eventType: T,
  build: (viewer: string, chatId: string) => EventDataOf<T>,
  options: { includeActor?: boolean } = {},
): void {
  for (const phone of conv.members) {
    if (phone === actor.phone && options.includeActor === false) continue;
    const except = phone === actor.phone ? actor.instanceId : undefined;
    world.net.emit(phone, eventType, build(phone, chatIdFor(conv, phone, actor.phone)), except);
  }
}
