// Newsletters (channels) through Baileys. WhatsApp answers newsletter queries in two shapes: the
// raw GraphQL thread (`thread_metadata`, `viewer_metadata`, counts as strings), which
// newsletterMetadata passes through, and the flattened one newsletterCreate builds; both map to
// WSAPI's NewsletterInfo. Baileys has no call for the followed list, so it is queried as whatsmeow
// does. WhatsApp does not echo our own follow and mute to us, so this adapter reports them itself.
import { type BinaryNode, getBinaryNodeChild, S_WHATSAPP_NET, type WASocket } from "@whiskeysockets/baileys";
import type { WhatsAppEvent } from "@wsapi/contracts/events";
import type { NewsletterInfo } from "@wsapi/contracts/newsletter-api";
import { guarded } from "./baileys-actions.js";
import type { NewsletterOperations } from "./newsletter-port.js";
import { TransportError } from "./port.js";

/** whatsmeow's query id for the newsletters the account follows (data: xwa2_newsletter_subscribed). */
export const SUBSCRIBED_NEWSLETTERS_QUERY_ID = "6388546374527196";
const MEDIA_HOST = "https://mmg.whatsapp.net";

type Text = string | { text?: string | null } | null | undefined;
type Picture = { direct_path?: string; directPath?: string; url?: string } | null | undefined;
/** The fields of either shape that WSAPI reports. */
export interface RawNewsletter {
  id: string;
  name?: string;
  description?: string;
  invite?: string;
  creation_time?: number | string;
  subscribers?: number;
  verification?: string;
  picture?: Picture;
  mute_state?: string;
  state?: { type?: string } | null;
  thread_metadata?: {
    name?: Text;
    description?: Text;
    invite?: string;
    creation_time?: number | string;
    subscribers_count?: number | string;
    verification?: string;
    picture?: Picture;
  } | null;
  viewer_metadata?: { mute?: string; role?: string } | null;
}

const textOf = (value: Text) => (typeof value === "string" ? value : (value?.text ?? undefined));
const intOf = (value: number | string | undefined) => {
  const n = typeof value === "string" ? Number.parseInt(value, 10) : value;
  return n !== undefined && Number.isFinite(n) ? n : undefined;
};

export function mapNewsletter(raw: RawNewsletter): NewsletterInfo {
  const thread = raw.thread_metadata ?? {};
  const name = textOf(thread.name) ?? raw.name ?? "";
  const description = textOf(thread.description) ?? raw.description;
  const subscribers = intOf(thread.subscribers_count) ?? raw.subscribers;
  const created = intOf(thread.creation_time ?? raw.creation_time);
  const picture = thread.picture ?? raw.picture;
  const path = picture?.direct_path ?? picture?.directPath;
  const pictureUrl = picture?.url ?? (path ? `${MEDIA_HOST}${path}` : undefined);
  const invite = thread.invite ?? raw.invite;
  const verification = thread.verification ?? raw.verification;
  const mute = raw.viewer_metadata?.mute ?? raw.mute_state;
  return {
    id: raw.id,
    name,
    ...(description ? { description } : {}),
    ...(subscribers !== undefined ? { subscriberCount: subscribers } : {}),
    ...(verification ? { verificationState: verification } : {}),
    ...(pictureUrl ? { pictureUrl } : {}),
    ...(invite ? { inviteCode: invite } : {}),
    ...(raw.viewer_metadata?.role ? { role: raw.viewer_metadata.role } : {}),
    ...(mute ? { mute } : {}),
    ...(raw.state?.type ? { state: raw.state.type } : {}),
    ...(created ? { createdAt: new Date(created * 1000).toISOString() } : {}),
  };
}

/** The mex (GraphQL over XMPP) query Baileys' own newsletter calls send. */
export const subscribedNewslettersQuery = (id: string): BinaryNode => ({
  tag: "iq",
  attrs: { id, type: "get", to: S_WHATSAPP_NET, xmlns: "w:mex" },
  content: [
    {
      tag: "query",
      attrs: { query_id: SUBSCRIBED_NEWSLETTERS_QUERY_ID },
      content: Buffer.from(JSON.stringify({ variables: {} }), "utf8"),
    },
  ],
});

/** `<result>{"data":{"xwa2_newsletter_subscribed":[…]}}</result>` → the newsletters. */
export function mapSubscribedNewsletters(result: BinaryNode): NewsletterInfo[] {
  const content = getBinaryNodeChild(result, "result")?.content;
  if (!content || Array.isArray(content))
    throw new TransportError("rejected", "WhatsApp sent no newsletter list");
  const data = JSON.parse(Buffer.from(content as Uint8Array).toString("utf8")) as {
    data?: { xwa2_newsletter_subscribed?: RawNewsletter[] };
    errors?: unknown[];
  };
  if (data.errors?.length) throw new TransportError("rejected", "WhatsApp refused the newsletter list");
  return (data.data?.xwa2_newsletter_subscribed ?? []).map(mapNewsletter);
}

export function createBaileysNewsletters(
  socket: () => WASocket,
  onEvent: (event: WhatsAppEvent) => void,
): NewsletterOperations {
  const lookup = async (type: "jid" | "invite", key: string) => {
    try {
      const raw = await guarded(() => socket().newsletterMetadata(type, key));
      return raw ? mapNewsletter(raw as RawNewsletter) : undefined;
    } catch (error) {
      if (error instanceof TransportError && error.kind === "not_found") return undefined;
      throw error;
    }
  };
  return {
    list: () =>
      guarded(async () => {
        const sock = socket();
        return mapSubscribedNewsletters(
          await sock.query(subscribedNewslettersQuery(sock.generateMessageTag())),
        );
      }),
    create: ({ name, description, picture }) =>
      guarded(async () => {
        const created = await socket().newsletterCreate(name, description);
        if (picture) await socket().newsletterUpdatePicture(created.id, picture);
        return created.id;
      }),
    get: (newsletterId) => lookup("jid", newsletterId),
    byInviteCode: (code) => lookup("invite", code),
    setSubscribed: (newsletterId, subscribed) =>
      guarded(async () => {
        if (subscribed) await socket().newsletterFollow(newsletterId);
        else await socket().newsletterUnfollow(newsletterId);
        const name = subscribed
          ? (await lookup("jid", newsletterId).catch(() => undefined))?.name
          : undefined;
        onEvent({
          eventType: "newsletter",
          eventData: {
            id: newsletterId,
            action: subscribed ? "join" : "leave",
            ...(name ? { name } : {}),
            role: "SUBSCRIBER",
          },
        });
      }),
    setMuted: (newsletterId, muted) =>
      guarded(async () => {
        if (muted) await socket().newsletterMute(newsletterId);
        else await socket().newsletterUnmute(newsletterId);
        onEvent({
          eventType: "newsletter",
          eventData: { id: newsletterId, action: "mute", mute: muted ? "MUTED" : "UNMUTED" },
        });
      }),
  };
}
