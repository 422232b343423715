// Blocklist, privacy settings, business profiles, chat pictures and contact sync on the simulated
// network. A blocked phone's direct messages are not delivered (messages.ts); privacy decides who
// may add you to groups (groups.ts), who sees your picture and whether read receipts are sent.
import {
  type BusinessProfile,
  type ChatPicture,
  PRIVACY_FIELDS,
  PRIVACY_SETTINGS,
  PRIVACY_VALUES,
  type PrivacySettings,
} from "@wsapi/contracts/instance-api";
import { allows } from "./accounts.js";
import { phoneOf, userJid } from "./network.js";
import type { SimOpArgs } from "./protocol.js";
import { type Actor, identity, requirePhone, SimError, type SimWorld } from "./world.js";

/** Whether `recipient` blocked `from`: WhatsApp then delivers none of `from`'s direct messages. */
export function isBlockedBy(world: SimWorld, recipient: string, from: string): boolean {
  return world.net.accounts.get(recipient)?.blocked.has(from) === true;
}

export const blocklist = (world: SimWorld, actor: Actor) =>
  [...world.net.account(actor.phone).blocked].map(identity);

export function setBlocked(world: SimWorld, actor: Actor, { contactId, blocked }: SimOpArgs<"setBlocked">) {
  const phone = requirePhone(contactId);
  if (phone === actor.phone) throw new SimError("rejected", "you cannot block yourself");
  const list = world.net.account(actor.phone).blocked;
  if (blocked) list.add(phone);
  else list.delete(phone);
}

export function privacySettings(world: SimWorld, actor: Actor): PrivacySettings {
  const { privacy } = world.net.account(actor.phone);
  return Object.fromEntries(PRIVACY_SETTINGS.map((setting) => [PRIVACY_FIELDS[setting], privacy[setting]]));
}

export function setPrivacy(world: SimWorld, actor: Actor, { setting, value }: SimOpArgs<"setPrivacy">) {
  if (!(PRIVACY_VALUES[setting] as readonly string[]).includes(value))
    throw new SimError("rejected", `${setting} cannot be set to ${value}`);
  world.net.account(actor.phone).privacy[setting] = value;
}

export function chatPicture(
  world: SimWorld,
  actor: Actor,
  { chatId }: SimOpArgs<"chatPicture">,
): ChatPicture {
  let pictureId: string | undefined;
  if (chatId.endsWith("@g.us")) {
    const group = world.groups.get(chatId);
    if (!group?.participants.has(actor.phone)) throw new SimError("not_found", "group not found");
    pictureId = group.pictureId;
  } else {
    const owner = world.net.accounts.get(requirePhone(chatId));
    if (!owner) throw new SimError("not_found", "user is not on WhatsApp");
    const visible = owner.phone === actor.phone || allows(owner, owner.privacy.profile, userJid(actor.phone));
    pictureId = visible ? owner.pictureId : undefined;
  }
  return pictureId ? { pictureId, pictureUrl: world.pictureUrl(pictureId) } : {};
}

export function businessProfile(
  world: SimWorld,
  _actor: Actor,
  { chatId }: SimOpArgs<"businessProfile">,
): BusinessProfile | undefined {
  const phone = phoneOf(chatId);
  const business = phone ? world.net.accounts.get(phone)?.business : undefined;
  return business ? { id: userJid(phone ?? ""), ...business } : undefined;
}

/** A full contact sync: the address book again, as `contact` events to the device that asked. */
export function syncContacts(world: SimWorld, actor: Actor): void {
  for (const [jid, saved] of world.net.account(actor.phone).contacts) {
    const phone = phoneOf(jid);
    if (!phone) continue;
    world.net.emitToInstance(actor.instanceId ?? "", "contact", {
      contact: identity(phone),
      fullName: saved.fullName,
      inPhoneAddressBook: true,
    });
  }
}
