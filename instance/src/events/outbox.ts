// Every WhatsApp event passes through here: deduplicated, enveloped, spooled (encrypted) and
// POSTed to the control plane in batches, retried with backoff while the control plane is down.
import type { EventEnvelope, WhatsAppEvent } from "@wsapi/contracts/events";
import { EVENTS_BATCH_MAX } from "@wsapi/contracts/events";
import type { InstanceLogs } from "../logs.js";
import { backoffDelay } from "../net/backoff.js";
import type { DeliveryOutcome } from "./control-client.js";
import { dedupeKey, toEnvelope } from "./envelope.js";
import type { EventSpool, SpooledEvent } from "./spool.js";

export interface OutboxOptions {
  instanceId: string;
  spool: EventSpool;
  deliver: (events: EventEnvelope[]) => Promise<DeliveryOutcome>;
  logs: InstanceLogs;
  maxPending?: number;
  batchSize?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  seenKeysLimit?: number;
  compactAfterBytes?: number;
}

export class EventOutbox {
  private pending: SpooledEvent[] = [];
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing = false;
  private failures = 0;
  private stopped = false;
  private readonly maxPending: number;
  private readonly batchSize: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly seenKeysLimit: number;
  private readonly compactAfterBytes: number;

  constructor(private readonly options: OutboxOptions) {
    this.maxPending = options.maxPending ?? 10_000;
    this.batchSize = Math.min(options.batchSize ?? EVENTS_BATCH_MAX, EVENTS_BATCH_MAX);
    this.minBackoffMs = options.minBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.seenKeysLimit = options.seenKeysLimit ?? 10_000;
    this.compactAfterBytes = options.compactAfterBytes ?? 4 * 1024 * 1024;
  }

  /** Restores what a previous process left undelivered and starts delivering it. */
  start(): void {
    const contents = this.options.spool.load();
    if (contents.unreadable > 0) this.options.logs.spoolRecordsUnreadable(contents.unreadable);
    this.pending = contents.pending;
    for (const key of contents.seenKeys) this.remember(key);
    this.options.spool.rewrite(this.pending, [...this.seen]);
    if (this.pending.length > 0) this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  pendingCount(): number {
    return this.pending.length;
  }

  /** Returns the envelope, or undefined when the same WhatsApp fact was already published. */
  publish(event: WhatsAppEvent): EventEnvelope | undefined {
    const key = dedupeKey(event);
    if (key !== undefined && this.seen.has(key)) {
      this.options.logs.eventsDuplicateSkipped(event.eventType);
      return undefined;
    }
    if (key !== undefined) this.remember(key);
    const spooled: SpooledEvent = { envelope: toEnvelope(this.options.instanceId, event), key };
    this.pending.push(spooled);
    this.options.spool.appendEvents([spooled]);
    this.enforceBound();
    if (!this.flushing && this.failures === 0) this.schedule(0);
    return spooled.envelope;
  }

  private enforceBound(): void {
    const excess = this.pending.length - this.maxPending;
    if (excess <= 0) return;
    const dropped = this.pending.splice(0, excess);
    this.options.spool.appendAck(dropped.map((event) => event.envelope.eventId));
    this.options.logs.eventsDropped(dropped.length, "outbox full");
  }

  private remember(key: string): void {
    this.seen.delete(key);
    this.seen.add(key);
    if (this.seen.size > this.seenKeysLimit) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.stopped) return;
    this.flushing = true;
    try {
      while (this.pending.length > 0 && !this.stopped) {
        const batch = this.pending.slice(0, this.batchSize);
        const outcome = await this.options.deliver(batch.map((event) => event.envelope));
        if (outcome.kind === "retry") {
          this.failures += 1;
          const delay = backoffDelay(this.failures, this.minBackoffMs, this.maxBackoffMs);
          this.options.logs.eventsDeliveryFailed(outcome.reason, this.pending.length, delay);
          this.schedule(delay);
          return;
        }
        this.failures = 0;
        this.settle(batch);
        if (outcome.kind === "rejected") this.options.logs.eventsRejected(batch.length, outcome.status);
        else this.options.logs.eventsDelivered(batch.length, this.pending.length);
      }
      if (this.options.spool.bytesWritten > this.compactAfterBytes) {
        this.options.spool.rewrite(this.pending, [...this.seen]);
      }
    } finally {
      this.flushing = false;
    }
  }

  private settle(batch: SpooledEvent[]): void {
    const ids = new Set(batch.map((event) => event.envelope.eventId));
    this.pending = this.pending.filter((event) => !ids.has(event.envelope.eventId));
    this.options.spool.appendAck([...ids]);
  }
}
