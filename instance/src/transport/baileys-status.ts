// Status updates through Baileys: WhatsApp's status privacy lists (the same IQ whatsmeow, and so
// WSAPI, reads), posts and revokes sent to status@broadcast with the audience those lists allow.
import {
  type BinaryNode,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  S_WHATSAPP_NET,
  type WASocket,
} from "@whiskeysockets/baileys";
import type { ContactInfo } from "@wsapi/contracts/instance-api";
import { STATUS_BROADCAST_JID, STATUS_PRIVACY_TYPES, type StatusPrivacy } from "@wsapi/contracts/status-api";
import { guarded } from "./baileys-actions.js";
import { type Me, normalizeJid } from "./baileys-jid.js";
import type { BaileysStore } from "./baileys-store.js";
import { TransportError } from "./port.js";
import type { StatusOperations, StatusPost } from "./status-port.js";

/** WhatsApp's own text-status colours: dark teal background, sans-serif font. */
const TEXT_STATUS_STYLE = { backgroundColor: "#FF128C7E", font: 1 } as const;

export const STATUS_PRIVACY_QUERY: BinaryNode = {
  tag: "iq",
  attrs: { xmlns: "status", to: S_WHATSAPP_NET, type: "get" },
  content: [{ tag: "privacy", attrs: {} }],
};

/** `<privacy><list type=… default=true><user jid=…/></list>…</privacy>` → WSAPI's privacy entries. */
export function mapStatusPrivacy(result: BinaryNode): StatusPrivacy[] {
  const privacy = getBinaryNodeChild(result, "privacy");
  return getBinaryNodeChildren(privacy, "list").flatMap((list) => {
    const type = STATUS_PRIVACY_TYPES.find((known) => known === list.attrs.type);
    if (!type) return [];
    const users = getBinaryNodeChildren(list, "user")
      .map((user) => user.attrs.jid)
      .filter((jid): jid is string => typeof jid === "string" && jid.length > 0);
    return [{ type, list: users, isDefault: list.attrs.default === "true" }];
  });
}

/** Who receives a status update: the default list's audience among the saved contacts, and ourselves. */
export function statusAudience(privacy: StatusPrivacy[], contacts: ContactInfo[], me: Me): string[] {
  const setting = privacy.find((entry) => entry.isDefault) ?? { type: "contacts", list: [] };
  const listed = new Set(setting.list.map(normalizeJid));
  const saved = contacts
    .filter((contact) => contact.inPhoneAddressBook && contact.id.endsWith("@s.whatsapp.net"))
    .map((contact) => normalizeJid(contact.id));
  const chosen =
    setting.type === "whitelist"
      ? [...listed]
      : setting.type === "blacklist"
        ? saved.filter((jid) => !listed.has(jid))
        : saved;
  return [...new Set([normalizeJid(me.id), ...chosen])];
}

export function statusContent(post: StatusPost) {
  if (post.kind === "text") return { text: post.text };
  const caption = post.caption !== undefined ? { caption: post.caption } : {};
  return post.mediaType === "image"
    ? { image: post.bytes, mimetype: post.mimeType, ...caption }
    : { video: post.bytes, mimetype: post.mimeType, ...caption };
}

export function createBaileysStatus(
  socket: () => WASocket,
  store: BaileysStore,
  me: () => Me,
): StatusOperations {
  const privacy = async () => mapStatusPrivacy(await socket().query(STATUS_PRIVACY_QUERY));
  const audience = async () => statusAudience(await privacy(), store.listContacts(), me());
  return {
    privacy: () => guarded(privacy),
    post: (post) =>
      guarded(async () => {
        const options = {
          statusJidList: await audience(),
          broadcast: true,
          ...(post.kind === "text" ? TEXT_STATUS_STYLE : {}),
        };
        const sent = await socket().sendMessage(STATUS_BROADCAST_JID, statusContent(post), options);
        if (!sent?.key.id) throw new TransportError("rejected", "WhatsApp did not accept the status update");
        return sent.key.id;
      }),
    revoke: (messageId) =>
      guarded(async () => {
        const key = { remoteJid: STATUS_BROADCAST_JID, fromMe: true, id: messageId };
        await socket().sendMessage(
          STATUS_BROADCAST_JID,
          { delete: key },
          { statusJidList: await audience() },
        );
      }),
  };
}
