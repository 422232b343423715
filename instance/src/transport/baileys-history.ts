// History sync under Baileys: on-demand answers (/chats/{id}/messages) go out at once; other history
// sync chunks are held, bounded and for at most an hour, until /session/flush-history publishes them.
import type { WAMessage } from "@whiskeysockets/baileys";
import type { WhatsAppEvent } from "@wsapi/contracts/events";
import type { MappingContext } from "./baileys-mapping.js";
import { mapHistoryMessages } from "./baileys-mapping-core.js";

/** proto.HistorySync.HistorySyncType.ON_DEMAND */
export const ON_DEMAND_SYNC = 6;
const HELD_MS = 3_600_000;
const HELD_MESSAGES = 5_000;

export class BaileysHistory {
  private held: { at: number; message: WAMessage }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Returns the events to send now (on-demand answers); holds the rest. */
  onHistorySet(
    messages: WAMessage[],
    syncType: number | null | undefined,
    ctx: MappingContext,
  ): WhatsAppEvent[] {
    if (syncType === ON_DEMAND_SYNC) return mapHistoryMessages(messages, ctx);
    const at = this.now();
    this.held.push(...messages.map((message) => ({ at, message })));
    if (this.held.length > HELD_MESSAGES) this.held.splice(0, this.held.length - HELD_MESSAGES);
    return [];
  }

  /** The held history as events (expired messages dropped), then forgotten. */
  flush(ctx: MappingContext): WhatsAppEvent[] {
    const fresh = this.held.filter((entry) => this.now() - entry.at < HELD_MS).map((entry) => entry.message);
    this.held = [];
    return mapHistoryMessages(fresh, ctx);
  }

  clear(): void {
    this.held = [];
  }
}
