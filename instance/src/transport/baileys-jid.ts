// WhatsApp JIDs → WSAPI identities. Baileys v7 addresses people by LID or phone number ("PN");
// WSAPI's `id` prefers the phone JID and carries the LID alongside. Pure.
import type { EventIdentity, EventSender } from "@wsapi/contracts/events";

const JID = /^([^:@]+)(?::(\d+))?@(.+)$/;

export interface Me {
  /** Our phone JID without device, e.g. 15550001111@s.whatsapp.net. */
  id: string;
  lid?: string | undefined;
}

/** "15550001111:12@s.whatsapp.net" → "15550001111@s.whatsapp.net". */
export function normalizeJid(jid: string): string {
  const match = JID.exec(jid);
  return match ? `${match[1]}@${match[3]}` : jid;
}

export function identityOf(...candidates: (string | null | undefined)[]): EventIdentity {
  const jids = candidates.filter((jid): jid is string => typeof jid === "string" && jid.length > 0);
  const pn = jids.find((jid) => jid.endsWith("@s.whatsapp.net"));
  const lid = jids.find((jid) => jid.endsWith("@lid"));
  const primary = pn ?? lid ?? jids[0] ?? "";
  const device = Number(JID.exec(primary)?.[2] ?? 0);
  return {
    id: normalizeJid(primary),
    ...(lid ? { lid: normalizeJid(lid) } : {}),
    ...(pn ? { phone: JID.exec(pn)?.[1] ?? "" } : {}),
    ...(device > 0 ? { device } : {}),
  };
}

export function isMe(identity: EventIdentity, me: Me): boolean {
  return (
    identity.id === me.id || (me.lid !== undefined && (identity.lid === me.lid || identity.id === me.lid))
  );
}

export function senderOf(me: Me, ...candidates: (string | null | undefined)[]): EventSender {
  const identity = identityOf(...candidates);
  return { ...identity, isMe: isMe(identity, me) };
}

export function meAsSender(me: Me): EventSender {
  return { ...identityOf(me.id, me.lid), isMe: true };
}

/** Protobuf longs arrive as numbers, strings (JSON) or Long objects. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  if (typeof value === "object" && value !== null) {
    const long = value as { toNumber?: () => number; low?: number; high?: number };
    if (typeof long.toNumber === "function") return long.toNumber();
    if (typeof long.low === "number" && typeof long.high === "number")
      return long.high * 2 ** 32 + (long.low >>> 0);
  }
  return undefined;
}

export function isoFromSeconds(seconds: unknown, fallback: Date): string {
  const value = toNumber(seconds);
  return new Date(value !== undefined && value > 0 ? value * 1000 : fallback.getTime()).toISOString();
}

/** Bytes arrive as Uint8Array (live) or base64 strings (recorded JSON). */
export function toBase64(bytes: unknown): string | undefined {
  if (bytes instanceof Uint8Array) return Buffer.from(bytes).toString("base64");
  if (typeof bytes === "string" && bytes.length > 0) return bytes;
  return undefined;
}

const EXPIRATIONS: Record<number, "24h" | "7d" | "90d"> = { 86400: "24h", 604800: "7d", 7776000: "90d" };

export function expirationOf(seconds: unknown): "off" | "24h" | "7d" | "90d" | undefined {
  const value = toNumber(seconds);
  if (value === undefined) return undefined;
  return value === 0 ? "off" : EXPIRATIONS[value];
}
