// What the Status routes need from WhatsApp: the account's status privacy, posting and revoking
// status updates. Each transport implements it (baileys-status.ts, simulator-status.ts).
import type { StatusPrivacy } from "@wsapi/contracts/status-api";

export type StatusPost =
  | { kind: "text"; text: string }
  | { kind: "media"; mediaType: "image" | "video"; bytes: Buffer; mimeType: string; caption?: string };

export interface StatusOperations {
  /** The account's status audience settings, WhatsApp's lists as they are. */
  privacy(): Promise<StatusPrivacy[]>;
  /** Posts a status update to the audience the privacy settings allow; returns its message id. */
  post(content: StatusPost): Promise<string>;
  /** Revokes one of the account's own status updates. */
  revoke(messageId: string): Promise<void>;
}
