// History sync under Baileys: on-demand answers (/chats/{id}/messages) go out at once. The history
// WhatsApp sends after pairing is kept only when the instance's `historySync` is on: held until
// /session/flush-history publishes it (history-hold.ts), and the last RECENT chunk (progress 100)
// is `initial_sync_finished`. With it off, Baileys does not even download it.
import type { WAMessage } from "@whiskeysockets/baileys";
import type { WhatsAppEvent } from "@wsapi/contracts/events";
import type { MappingContext } from "./baileys-mapping.js";
import { mapHistoryMessages } from "./baileys-mapping-core.js";
import { HeldHistory } from "./history-hold.js";

// Values of proto.HistorySync.HistorySyncType.
export const RECENT_SYNC = 3;
export const ON_DEMAND_SYNC = 6;

/** The part of Baileys' `messaging-history.set` payload that history sync uses. */
export interface HistorySet {
  messages: WAMessage[];
  syncType?: number | null;
  progress?: number | null;
}

export class BaileysHistory {
  private readonly held: HeldHistory<WAMessage>;
  private finished = false;

  constructor(
    private readonly historySync: () => boolean = () => false,
    now: () => number = Date.now,
  ) {
    this.held = new HeldHistory(now);
  }

  /** Baileys' `shouldSyncHistoryMessage`: whether to download and process a history notification. */
  wants(syncType: number | null | undefined): boolean {
    return syncType === ON_DEMAND_SYNC || this.historySync();
  }

  /** Returns the events to send now (on-demand answers, the end of the initial sync); holds the rest. */
  onHistorySet({ messages, syncType, progress }: HistorySet, ctx: MappingContext): WhatsAppEvent[] {
    if (syncType === ON_DEMAND_SYNC) return mapHistoryMessages(messages, ctx);
    if (!this.historySync()) return [];
    this.held.hold(messages);
    if (syncType !== RECENT_SYNC || progress !== 100 || this.finished) return [];
    this.finished = true;
    return [{ eventType: "initial_sync_finished", eventData: {} }];
  }

  /** The held history as events (expired messages dropped), then forgotten. */
  flush(ctx: MappingContext): WhatsAppEvent[] {
    return mapHistoryMessages(this.held.take(), ctx);
  }

  /** A logout: the next pairing syncs (and finishes) afresh. */
  clear(): void {
    this.held.clear();
    this.finished = false;
  }
}
