// The simulator's requests for status updates, newsletters and communities (spread into SIM_OPS):
// their arguments, checked by the network before it acts.
import { z } from "zod";

const statusPost = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: z.string() }),
  z.object({
    kind: z.literal("media"),
    mediaType: z.enum(["image", "video"]),
    data: z.string(),
    mimeType: z.string(),
    caption: z.string().optional(),
  }),
]);
export type WireStatusPost = z.infer<typeof statusPost>;

export const STATUS_OPS = {
  statusPrivacy: z.object({}),
  postStatus: z.object({ content: statusPost }),
  revokeStatus: z.object({ messageId: z.string().max(128) }),
} as const;

const newsletterId = z.string().regex(/^\d{5,25}@newsletter$/);

export const NEWSLETTER_OPS = {
  listNewsletters: z.object({}),
  createNewsletter: z.object({
    name: z.string(),
    description: z.string().optional(),
    picture: z.string().optional(),
  }),
  getNewsletter: z.object({ newsletterId }),
  newsletterByInvite: z.object({ code: z.string().max(64) }),
  setNewsletterSubscribed: z.object({ newsletterId, subscribed: z.boolean() }),
  setNewsletterMuted: z.object({ newsletterId, muted: z.boolean() }),
} as const;

const groupId = z.string().regex(/^\d{5,25}(-\d{5,15})?@g\.us$/);
const people = z.array(z.string().min(3).max(128)).max(1024);

export const COMMUNITY_OPS = {
  listCommunities: z.object({}),
  createCommunity: z.object({ name: z.string(), participants: people, approvalRequired: z.boolean() }),
  getCommunity: z.object({ communityId: groupId }),
  leaveCommunity: z.object({ communityId: groupId }),
  setCommunityName: z.object({ communityId: groupId, name: z.string() }),
  setCommunityDescription: z.object({ communityId: groupId, description: z.string() }),
  setCommunityLocked: z.object({ communityId: groupId, locked: z.boolean() }),
  setCommunityPicture: z.object({ communityId: groupId, picture: z.string() }),
  updateCommunityParticipants: z.object({
    communityId: groupId,
    participants: people,
    action: z.enum(["add", "remove", "promote", "demote"]),
  }),
  communityInviteCode: z.object({ communityId: groupId, reset: z.boolean() }),
  communitySubGroups: z.object({ communityId: groupId }),
  createCommunityGroup: z.object({ communityId: groupId, name: z.string(), participants: people }),
  linkCommunityGroup: z.object({ communityId: groupId, groupId }),
  unlinkCommunityGroup: z.object({ communityId: groupId, groupId }),
} as const;
