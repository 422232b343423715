// What counts as a person's identifier in a log line, shared by the control plane and the instance
// service: WhatsApp JIDs (users, devices, groups, LIDs, broadcasts, newsletters) and phone numbers.
// Both mask these in every string they log (functions/src/core/redact.ts, instance/src/logs.ts).
const JID = /\+?\b\d[\d:-]{3,40}@(?:s\.whatsapp\.net|c\.us|g\.us|lid|broadcast|newsletter)\b/gi;
// 7 to 15 digits standing alone (E.164 without or with "+"), as in paths like /pair-code/15551230000.
// Digits inside an id (evt_1700…, dlv_…, uuids) touch a letter, "_" or "-" and are left alone.
const PHONE = /(?<![\w-])\+?\d{7,15}(?![\w-])/g;

export const JID_MASK = "[jid]";
export const PHONE_MASK = "[phone]";

export function maskPersonalData(text: string): string {
  return text.replace(JID, JID_MASK).replace(PHONE, PHONE_MASK);
}
