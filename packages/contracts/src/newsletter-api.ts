// WSAPI's Newsletters (WhatsApp channels) operations: request and response schemas. Pure zod.
import { z } from "zod";
import { base64Data, SMALL_BODY_MAX_BYTES } from "./instance-api.js";

export const newsletterInviteCode = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, "must be an invite code");

export const CreateNewsletterRequest = z.object({
  name: z.string().min(1).max(100),
  description: z.string().max(2048).optional(),
  picture: base64Data.max(SMALL_BODY_MAX_BYTES).optional(),
});
export const SetSubscriptionRequest = z.object({ subscribed: z.boolean() });
/** `mute` is optional in WSAPI's schema; absent means false (unmute), as Go decodes it. */
export const ToggleMuteNewsletterRequest = z.object({ mute: z.boolean().default(false) });

/** Roles and mute states are WhatsApp's own values (OWNER, ADMIN, SUBSCRIBER, GUEST; ON, OFF). */
export const NewsletterInfo = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  subscriberCount: z.number().int().optional(),
  verificationState: z.string().optional(),
  pictureUrl: z.string().optional(),
  inviteCode: z.string().optional(),
  role: z.string().optional(),
  mute: z.string().optional(),
  state: z.string().optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
});
export type NewsletterInfo = z.infer<typeof NewsletterInfo>;
