// Newsletters (channels) on the simulated network: created by an owner, followed and muted by
// anyone, found by JID or invite code. Follow, unfollow and mute reach every device of the follower
// as WSAPI's `newsletter` event; the owner's posts reach every follower as `message` events.
import { randomBytes, randomInt } from "node:crypto";
import type { NewsletterInfo } from "@wsapi/contracts/newsletter-api";
import type { SimOpArgs } from "./protocol.js";
import { type Actor, newMessageId, nowIso, SimError, type SimNewsletter, type SimWorld } from "./world.js";

/** WhatsApp's channel invite codes: "0029Va" and 18 more letters and digits. */
const inviteCode = () => `0029Va${randomBytes(18).toString("base64url").replace(/[-_]/g, "A").slice(0, 18)}`;

function info(newsletter: SimNewsletter, viewer: string): NewsletterInfo {
  const follower = newsletter.followers.get(viewer);
  const role = viewer === newsletter.owner ? "OWNER" : follower ? "SUBSCRIBER" : "GUEST";
  return {
    id: newsletter.id,
    name: newsletter.name,
    ...(newsletter.description ? { description: newsletter.description } : {}),
    subscriberCount: newsletter.followers.size,
    verificationState: "UNVERIFIED",
    inviteCode: newsletter.inviteCode,
    role,
    ...(role !== "GUEST" ? { mute: follower?.muted ? "ON" : "OFF" } : {}),
    state: "ACTIVE",
    createdAt: nowIso(newsletter.createdAt),
  };
}

function known(world: SimWorld, newsletterId: string): SimNewsletter {
  const newsletter = world.newsletters.get(newsletterId);
  if (!newsletter) throw new SimError("rejected", "newsletter not found");
  return newsletter;
}

export const listNewsletters = (world: SimWorld, actor: Actor) =>
  [...world.newsletters.values()]
    .filter((n) => n.owner === actor.phone || n.followers.has(actor.phone))
    .map((n) => info(n, actor.phone));

export function createNewsletter(world: SimWorld, actor: Actor, args: SimOpArgs<"createNewsletter">): string {
  const id = `120363${String(randomInt(10 ** 11, 10 ** 12))}@newsletter`;
  world.newsletters.set(id, {
    id,
    name: args.name,
    description: args.description ?? "",
    owner: actor.phone,
    createdAt: Date.now(),
    inviteCode: inviteCode(),
    picture: args.picture !== undefined ? Buffer.from(args.picture, "base64") : undefined,
    followers: new Map(),
  });
  return id;
}

export function getNewsletter(world: SimWorld, actor: Actor, { newsletterId }: SimOpArgs<"getNewsletter">) {
  const newsletter = world.newsletters.get(newsletterId);
  return newsletter ? info(newsletter, actor.phone) : undefined;
}

export function newsletterByInvite(world: SimWorld, actor: Actor, { code }: SimOpArgs<"newsletterByInvite">) {
  const newsletter = [...world.newsletters.values()].find((n) => n.inviteCode === code);
  return newsletter ? info(newsletter, actor.phone) : undefined;
}

export function setNewsletterSubscribed(
  world: SimWorld,
  actor: Actor,
  { newsletterId, subscribed }: SimOpArgs<"setNewsletterSubscribed">,
): void {
  const newsletter = known(world, newsletterId);
  if (newsletter.owner === actor.phone) throw new SimError("rejected", "the owner cannot follow or unfollow");
  if (newsletter.followers.has(actor.phone) === subscribed) return;
  if (subscribed) newsletter.followers.set(actor.phone, { muted: false });
  else newsletter.followers.delete(actor.phone);
  world.net.emit(actor.phone, "newsletter", {
    id: newsletter.id,
    action: subscribed ? "join" : "leave",
    ...(subscribed ? { name: newsletter.name } : {}),
    role: "SUBSCRIBER",
  });
}

export function setNewsletterMuted(
  world: SimWorld,
  actor: Actor,
  { newsletterId, muted }: SimOpArgs<"setNewsletterMuted">,
): void {
  const follower = known(world, newsletterId).followers.get(actor.phone);
  if (!follower) throw new SimError("rejected", "only followers can mute a newsletter");
  if (follower.muted === muted) return;
  follower.muted = muted;
  world.net.emit(actor.phone, "newsletter", {
    id: newsletterId,
    action: "mute",
    mute: muted ? "MUTED" : "UNMUTED",
  });
}

/** The owner posts (on their phone): every follower's devices receive it; muting only silences it. */
export function postToNewsletter(world: SimWorld, phone: string, newsletterId: string, text: string): string {
  const newsletter = world.newsletters.get(newsletterId);
  if (!newsletter) throw new SimError("not_found", "newsletter not found");
  if (newsletter.owner !== phone) throw new SimError("forbidden", "only the owner can post");
  const id = newMessageId();
  const time = nowIso();
  for (const viewer of [phone, ...newsletter.followers.keys()]) {
    world.net.emit(viewer, "message", {
      id,
      time,
      chatId: newsletter.id,
      sender: { id: newsletter.id, isMe: viewer === phone },
      isGroup: false,
      isStatus: false,
      type: "text",
      text,
    });
  }
  return id;
}

export const NEWSLETTER_HANDLERS = {
  listNewsletters,
  createNewsletter,
  getNewsletter,
  newsletterByInvite,
  setNewsletterSubscribed,
  setNewsletterMuted,
};
