// WSAPI's Status operations (stories): request and response schemas. Pure zod.
import { z } from "zod";
import { exactlyOneSource, mediaSource, sourceError, TEXT_MAX_CHARS } from "./instance-api.js";

/** Where status posts go: WhatsApp's broadcast list of the account's contacts. */
export const STATUS_BROADCAST_JID = "status@broadcast";

export const PostTextStatusRequest = z.object({ text: z.string().min(1).max(TEXT_MAX_CHARS) });
export const PostMediaStatusRequest = z
  .object({ ...mediaSource, caption: z.string().max(4096).optional() })
  .refine(exactlyOneSource, sourceError);

export const STATUS_PRIVACY_TYPES = ["contacts", "blacklist", "whitelist"] as const;
export const StatusPrivacy = z.object({
  type: z.enum(STATUS_PRIVACY_TYPES),
  list: z.array(z.string()),
  isDefault: z.boolean(),
});
export type StatusPrivacy = z.infer<typeof StatusPrivacy>;
