// WSAPI's Communities operations: request and response schemas. Pure zod. The name, description,
// locked, participants and invite-link bodies are the groups' own (instance-api.ts).
import { z } from "zod";
import {
  base64Data,
  GroupParticipant,
  groupJid,
  Identity,
  personJid,
  SMALL_BODY_MAX_BYTES,
} from "./instance-api.js";

/** WhatsApp's approval mode that makes joining a community need an admin's approval. */
export const APPROVAL_REQUIRED = "request_required";

export const CreateCommunityRequest = z.object({
  name: z.string().min(1).max(100),
  participants: z.array(personJid).max(1024).optional(),
  approvalMode: z.string().max(64).optional(),
});
export const CreateCommunityGroupRequest = z.object({
  name: z.string().min(1).max(100),
  participants: z.array(personJid).max(1024).optional(),
});
export const LinkGroupRequest = z.object({ groupId: groupJid });
export const SetCommunityPictureRequest = z.object({
  data: base64Data.min(1).max(SMALL_BODY_MAX_BYTES),
});
export const PictureIdResponse = z.object({ pictureId: z.string() });

export const CommunityInfo = z.object({
  communityId: z.string(),
  owner: Identity.optional(),
  name: z.string(),
  created: z.iso.datetime({ offset: true }).optional(),
  description: z.string().optional(),
  isLocked: z.boolean(),
  communityApprovalMode: z.string().optional(),
  participants: z.array(GroupParticipant),
});
export type CommunityInfo = z.infer<typeof CommunityInfo>;

export const CommunitySubGroup = z.object({
  groupId: z.string(),
  name: z.string(),
  nameSetAt: z.iso.datetime({ offset: true }).optional(),
  isAnnouncementGroup: z.boolean(),
});
export type CommunitySubGroup = z.infer<typeof CommunitySubGroup>;
