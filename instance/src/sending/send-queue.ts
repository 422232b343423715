// Paced sending (our extension; settings in @wsapi/contracts/pacing): accepted sends wait here and
// go out one at a time, at least `minGapMs` plus random jitter apart, after an optional typing
// indicator, each under the id answered when it was accepted. Every send is spooled (encrypted)
// before it is answered and marked done once settled, so a restart resumes the queue and sends
// nothing twice; a crash between sending and marking resends under the same id, which WhatsApp
// (and the simulator) drop as a duplicate.
import { randomBytes } from "node:crypto";
import type { Pacing, SendQueueStatus } from "@wsapi/contracts/pacing";
import type { StageRecorder } from "../events/stage-reporter.js";
import { ProblemError } from "../http/problem.js";
import type { InstanceLogs } from "../logs.js";
import { backoffDelay } from "../net/backoff.js";
import {
  type OutgoingMessage,
  type SendOptions,
  TransportError,
  type WhatsAppTransport,
} from "../transport/port.js";
import type { QueuedSend, SendSpool } from "./send-spool.js";
import { sendReportingStage } from "./stages.js";

export interface SendQueueClock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: SendQueueClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      signal.addEventListener("abort", wake, { once: true });
    }),
};

export interface SendQueueOptions {
  spool: SendSpool;
  transport: Pick<WhatsAppTransport, "send" | "setChatPresence" | "getChat">;
  logs: InstanceLogs;
  clock?: SendQueueClock;
  /** In [0, 1): draws the jitter. */
  random?: () => number;
  maxDepth?: number;
  maxBytes?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Reports the `sent` stage of each message it hands to WhatsApp (events/stage-reporter.ts). */
  recordStage?: StageRecorder;
}

const HOUR_MS = 60 * 60_000;
const TYPING_MS_PER_CHAR = 50;
const TYPING_MIN_MS = 1_000;
const TYPING_MAX_MS = 10_000;
const FAILURES_KEPT = 20;
const COMPACT_AFTER_BYTES = 4 * 1024 * 1024;
/** Failures that pass (device away or reconnecting, no answer): the send waits and retries. */
const TRANSIENT = new Set(["not_paired", "not_connected", "error"]);
/** A send still failing this long after it was accepted gives up. */
const GIVE_UP_AFTER_MS = 24 * HOUR_MS;

/** How long "typing…" shows before a text: grows with its length, within 1 to 10 s. */
export function typingDurationMs(text: string): number {
  return Math.min(TYPING_MAX_MS, Math.max(TYPING_MIN_MS, [...text].length * TYPING_MS_PER_CHAR));
}

/** A WhatsApp-style message id (Baileys makes the same shape), known before the message is sent. */
export function newMessageId(): string {
  return `3EB0${randomBytes(9).toString("hex").toUpperCase()}`;
}

const isPerson = (jid: string) => /@(s\.whatsapp\.net|lid)$/.test(jid);

function sizeOf(message: OutgoingMessage): number {
  if (message.kind === "media") return message.bytes.length;
  if (message.kind === "link") return message.text.length + (message.jpegThumbnail?.length ?? 0);
  if (message.kind === "text") return message.text.length;
  return 1024;
}

type Entry = QueuedSend & { dueAt?: number; typed?: boolean };

export class SendQueue {
  private pending: Entry[] = [];
  private newContacts = new Map<string, number>();
  private lastSentAt: number | undefined;
  private failures: SendQueueStatus["failures"] = [];
  private inFlight: string | undefined;
  private pumping = false;
  private stopped = false;
  private wake = new AbortController();
  private readonly clock: SendQueueClock;
  private readonly random: () => number;
  private readonly maxDepth: number;
  private readonly maxBytes: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;

  constructor(private readonly options: SendQueueOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.maxDepth = options.maxDepth ?? 1_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.retryMinMs = options.retryMinMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
  }

  /** Restores what a previous process left queued and resumes sending it. */
  start(): void {
    const contents = this.options.spool.load();
    if (contents.unreadable > 0) this.options.logs.sendQueueUnreadable(contents.unreadable);
    this.pending = contents.pending;
    this.lastSentAt = contents.lastSentAt;
    this.newContacts = contents.newContacts;
    this.compact();
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.wake.abort();
  }

  /** Accepts a send and answers its id at once; it goes out when its turn and gap come. */
  async enqueue(to: string, message: OutgoingMessage, options: SendOptions, pacing: Pacing): Promise<string> {
    const bytes = this.pending.reduce((sum, entry) => sum + sizeOf(entry.message), sizeOf(message));
    if (this.pending.length >= this.maxDepth || bytes > this.maxBytes) {
      this.options.logs.sendQueueRefused("SEND_QUEUE_FULL");
      throw new ProblemError(
        "SEND_QUEUE_FULL",
        `the send queue holds ${this.pending.length} messages, its limit; retry later or cancel it`,
        { "retry-after": String(Math.ceil(this.retryAfterMs() / 1000)) },
      );
    }
    if (pacing.maxNewContactsPerHour !== null && isPerson(to))
      await this.countContact(to, pacing.maxNewContactsPerHour);
    const entry: Entry = {
      id: newMessageId(),
      to,
      message,
      options,
      pacing: {
        minGapMs: pacing.minGapMs,
        jitterMs: pacing.jitterMs,
        typingIndicator: pacing.typingIndicator,
      },
      acceptedAt: this.clock.now(),
    };
    this.options.spool.appendSend(entry);
    this.pending.push(entry);
    this.kick();
    return entry.id;
  }

  status(pacing: Pacing | null): SendQueueStatus {
    const now = this.clock.now();
    const head = this.pending[0];
    const nextSendAt = head ? (head.dueAt ?? this.dueAt(head)) : undefined;
    return {
      depth: this.pending.length,
      nextSendAt: nextSendAt === undefined ? null : new Date(Math.max(now, nextSendAt)).toISOString(),
      messageIds: this.pending.map((entry) => entry.id),
      pacing,
      newContactsLastHour: this.recentContacts(now).size,
      failures: [...this.failures],
    };
  }

  /** Cancels every queued send not already on its way to WhatsApp; answers their ids. */
  cancelAll(): string[] {
    const cancelled = this.pending.filter((entry) => entry.id !== this.inFlight).map((entry) => entry.id);
    if (cancelled.length === 0) return [];
    this.pending = this.pending.filter((entry) => entry.id === this.inFlight);
    this.options.spool.appendDone(cancelled, "cancelled", this.clock.now());
    this.options.logs.sendQueueCancelled(cancelled.length);
    this.wake.abort();
    return cancelled;
  }

  /** Counts a first message to a contact never messaged or heard from; refuses one past the cap. */
  private async countContact(to: string, cap: number): Promise<void> {
    if (this.newContacts.has(to)) return;
    // The transport knows every chat with a message either way; when it cannot say, assume new.
    const known = await this.options.transport.getChat(to).then(
      (chat) => chat !== undefined,
      () => false,
    );
    if (known || this.newContacts.has(to)) return;
    const now = this.clock.now();
    const recent = this.recentContacts(now);
    if (recent.size >= cap) {
      const oldest = Math.min(...recent.values());
      this.options.logs.sendQueueRefused("NEW_CONTACT_LIMIT");
      throw new ProblemError(
        "NEW_CONTACT_LIMIT",
        `first messages to new contacts are limited to ${cap} per hour (pacing.maxNewContactsPerHour)`,
        { "retry-after": String(Math.max(1, Math.ceil((oldest + HOUR_MS - now) / 1000))) },
      );
    }
    this.newContacts.set(to, now);
    this.options.spool.appendContact(to, now);
  }

  private recentContacts(now: number): Map<string, number> {
    for (const [jid, at] of this.newContacts) if (at <= now - HOUR_MS) this.newContacts.delete(jid);
    return this.newContacts;
  }

  private dueAt(entry: Entry): number {
    if (this.lastSentAt === undefined) return this.clock.now();
    const jitter = Math.floor(this.random() * (entry.pacing.jitterMs + 1));
    return this.lastSentAt + entry.pacing.minGapMs + jitter;
  }

  private retryAfterMs(): number {
    const head = this.pending[0];
    const due = head?.dueAt ?? this.clock.now();
    return Math.max(1_000, due - this.clock.now() + (head?.pacing.minGapMs ?? 0));
  }

  private kick(): void {
    if (!this.pumping && !this.stopped && this.pending.length > 0) void this.pump();
  }

  private sleep(ms: number): Promise<void> {
    if (this.wake.signal.aborted) this.wake = new AbortController();
    return this.clock.sleep(ms, this.wake.signal);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    let attempts = 0;
    try {
      while (!this.stopped) {
        const head = this.pending[0];
        if (!head) break;
        head.dueAt ??= this.dueAt(head);
        const wait = head.dueAt - this.clock.now();
        if (wait > 0) {
          await this.sleep(wait);
          continue;
        }
        if (head.pacing.typingIndicator && head.message.kind === "text" && !head.typed) {
          await this.options.transport.setChatPresence(head.to, "typing").catch(() => {});
          await this.sleep(typingDurationMs(head.message.text));
          // Cancelled while typing: it never goes out.
          if (this.pending[0] !== head || this.stopped) continue;
          head.typed = true;
        }
        const failure = await this.sendHead(head);
        if (failure && TRANSIENT.has(failure) && this.clock.now() - head.acceptedAt < GIVE_UP_AFTER_MS) {
          attempts += 1;
          const delay = backoffDelay(attempts, this.retryMinMs, this.retryMaxMs);
          this.options.logs.sendQueueFailed(failure, delay);
          head.typed = false;
          await this.sleep(delay);
          continue;
        }
        attempts = 0;
        if (failure) this.fail(head, failure);
        this.settle(head, failure ? "failed" : "sent");
      }
    } finally {
      this.pumping = false;
    }
    this.kick();
  }

  /** Sends the head under its own id; answers why it failed, or undefined once sent. */
  private async sendHead(head: Entry): Promise<string | undefined> {
    this.inFlight = head.id;
    try {
      const options = { ...head.options, messageId: head.id };
      await sendReportingStage(
        this.options.transport,
        this.options.recordStage,
        head.to,
        head.message,
        options,
      );
      return undefined;
    } catch (error) {
      return error instanceof TransportError ? error.kind : "error";
    } finally {
      this.inFlight = undefined;
    }
  }

  private fail(head: Entry, reason: string): void {
    this.options.logs.sendQueueFailed(reason, undefined);
    this.failures.push({ id: head.id, at: new Date(this.clock.now()).toISOString(), reason });
    if (this.failures.length > FAILURES_KEPT) this.failures.shift();
  }

  private settle(head: Entry, outcome: "sent" | "failed"): void {
    const now = this.clock.now();
    this.pending = this.pending.filter((entry) => entry !== head);
    this.options.spool.appendDone([head.id], outcome, now);
    if (outcome === "sent") this.lastSentAt = now;
    this.options.logs.sendQueueSettled(outcome, this.pending.length);
    if (this.pending.length === 0 || this.options.spool.bytesWritten > COMPACT_AFTER_BYTES) this.compact();
  }

  private compact(): void {
    this.options.spool.rewrite({
      pending: this.pending,
      lastSentAt: this.lastSentAt,
      newContacts: this.recentContacts(this.clock.now()),
    });
  }
}
