// Baileys answers for blocklist, privacy, business profiles, join requests and history sync →
// WSAPI shapes. Pure: type-only imports, tested with recorded-shape fixtures.
import type { WABusinessProfile, WAMessage } from "@whiskeysockets/baileys";
import type { MessageEventData, WhatsAppEvent } from "@wsapi/contracts/events";
import {
  type BusinessProfile,
  type Identity,
  PRIVACY_FIELDS,
  PRIVACY_SETTINGS,
  type PrivacySettings,
} from "@wsapi/contracts/instance-api";
import { identityOf, isoFromSeconds } from "./baileys-jid.js";
import { type MappingContext, mapMessage } from "./baileys-mapping.js";
import { historyEvents } from "./history-hold.js";
import type { GroupJoinRequest } from "./port.js";

export function mapBlocklist(jids: (string | undefined)[]): Identity[] {
  return jids
    .filter((jid): jid is string => typeof jid === "string" && jid.length > 0)
    .map((jid) => identityOf(jid));
}

/** fetchPrivacySettings answers WhatsApp's category names (`last`, `groupadd`, ...). */
export function mapPrivacySettings(categories: Record<string, string>): PrivacySettings {
  const settings: PrivacySettings = {};
  for (const setting of PRIVACY_SETTINGS) {
    const value = categories[setting];
    if (typeof value === "string") settings[PRIVACY_FIELDS[setting]] = value;
  }
  return settings;
}

export function mapBusinessProfile(profile: WABusinessProfile): BusinessProfile {
  const hours = profile.business_hours?.business_config ?? profile.business_hours?.config ?? [];
  return {
    ...(profile.wid ? { id: identityOf(profile.wid).id } : {}),
    ...(profile.address ? { address: profile.address } : {}),
    ...(profile.email ? { email: profile.email } : {}),
    ...(profile.description ? { description: profile.description } : {}),
    ...(profile.website?.[0] ? { website: profile.website[0] } : {}),
    ...(profile.category ? { categories: [{ name: profile.category }] } : {}),
    ...(hours.length > 0
      ? {
          businessHours: hours.map((day) => ({
            dayOfWeek: day.day_of_week,
            mode: day.mode,
            ...(day.open_time !== undefined ? { openTime: String(day.open_time) } : {}),
            ...(day.close_time !== undefined ? { closeTime: String(day.close_time) } : {}),
          })),
        }
      : {}),
    ...(profile.business_hours?.timezone ? { businessHoursTimeZone: profile.business_hours.timezone } : {}),
  };
}

/** groupRequestParticipantsList answers the attributes of each `membership_approval_request` node. */
export function mapJoinRequests(requests: Record<string, string>[], now: Date): GroupJoinRequest[] {
  return requests
    .filter((request) => typeof request.jid === "string")
    .map((request) => ({
      user: identityOf(request.jid, request.phone_number, request.lid),
      ...(request.request_time ? { requestedAt: isoFromSeconds(request.request_time, now) } : {}),
    }));
}

/** History sync messages → one `message_history_sync` event per chat (and per 500 messages), oldest first. */
export function mapHistoryMessages(messages: WAMessage[], ctx: MappingContext): WhatsAppEvent[] {
  const mapped: MessageEventData[] = [];
  for (const message of messages) {
    const event = mapMessage(message, ctx);
    if (event && "eventType" in event && event.eventType === "message") mapped.push(event.eventData);
  }
  return historyEvents(mapped);
}
