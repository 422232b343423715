// The per-instance event log (core/eventLog.ts): what the event stream replays and what webhook
// attempts read the event body from, so an event's content is held in one place only.

export interface EventLogEntry {
  accountId: string;
  instanceId: string;
  /** streamKeyOf(accountId, instanceId): what the log is queried by. */
  stream: string;
  eventId: string;
  eventType: string;
  /** Position in the stream, increasing in the order events were ingested. */
  seq: number;
  loggedAt: number;
  /** End of the retention; the entry may be held longer while a webhook delivery needs it. */
  retainUntil: number;
  /** max(retainUntil, a delivery's hold): Firestore's TTL deletes the entry after it. */
  expireAt: number;
  /** AES-GCM envelope of the exact webhook body (AAD eventLog/{id}#envelope). */
  envelope: string;
}

export interface EventLogStore {
  /** The highest seq of a stream; 0 when it holds nothing. */
  lastSeq(stream: string): Promise<number>;
  /** Creates the entries that do not exist yet; an entry already logged (a re-sent batch) is kept. */
  append(entries: EventLogEntry[]): Promise<void>;
  get(stream: string, eventId: string): Promise<EventLogEntry | undefined>;
  /** Up to `limit` entries with seq > `afterSeq`, in seq order. */
  after(stream: string, afterSeq: number, limit: number): Promise<EventLogEntry[]>;
  /** expireAt := max(retainUntil, until); `until` null = only the retention. A missing entry stays missing. */
  hold(stream: string, eventId: string, until: number | null): Promise<void>;
  /** Deletes up to `limit` entries of a stream; answers how many went (0 once none is left). */
  deleteStream(stream: string, limit: number): Promise<number>;
}
