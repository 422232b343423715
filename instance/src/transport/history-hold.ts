// The history sync after pairing, as WSAPI keeps it (setting `historySync`): held, bounded and for at
// most an hour, until /session/flush-history publishes it as `message_history_sync` events. Both
// transports hold it here; `historyEvents` is the one shape of those events.
import type { MessageEventData, WhatsAppEvent } from "@wsapi/contracts/events";

/** WSAPI chunks a chat's history at 500 messages per event. */
export const HISTORY_CHUNK = 500;
const HELD_MS = 3_600_000;
const HELD_ITEMS = 5_000;

export class HeldHistory<T> {
  private held: { at: number; item: T }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  hold(items: T[]): void {
    const at = this.now();
    this.held.push(...items.map((item) => ({ at, item })));
    if (this.held.length > HELD_ITEMS) this.held.splice(0, this.held.length - HELD_ITEMS);
  }

  /** What is held and less than an hour old, oldest first; then nothing is held. */
  take(): T[] {
    const fresh = this.held.filter((entry) => this.now() - entry.at < HELD_MS).map((entry) => entry.item);
    this.held = [];
    return fresh;
  }

  clear(): void {
    this.held = [];
  }
}

/** Messages → one `message_history_sync` event per chat (and per 500 messages), each chat oldest first. */
export function historyEvents(messages: MessageEventData[]): WhatsAppEvent[] {
  const byChat = new Map<string, MessageEventData[]>();
  for (const message of messages) {
    const chat = byChat.get(message.chatId) ?? [];
    chat.push(message);
    byChat.set(message.chatId, chat);
  }
  const events: WhatsAppEvent[] = [];
  for (const [chatId, chat] of byChat) {
    chat.sort((a, b) => a.time.localeCompare(b.time));
    for (let start = 0; start < chat.length; start += HISTORY_CHUNK) {
      events.push({
        eventType: "message_history_sync",
        eventData: { chatId, messages: chat.slice(start, start + HISTORY_CHUNK) },
      });
    }
  }
  return events;
}
