// Paced sending: our extension to WSAPI (not in its OpenAPI). An instance's optional `pacing`
// settings (stored by the control plane, carried to the instance in the gateway token's `pacing`
// claim) make its sends wait in a queue: a minimum gap plus random jitter between messages, an
// optional typing indicator before texts, and a cap on first messages to new contacts per hour.
import { z } from "zod";

/** The gateway token claim that carries the instance's pacing; absent means pacing is off. */
export const PACING_CLAIM = "pacing";

export const MAX_GAP_MS = 10 * 60_000;

export const Pacing = z
  .object({
    /** Least time between two outgoing messages. */
    minGapMs: z.number().int().min(0).max(MAX_GAP_MS).default(0),
    /** Up to this much more, drawn at random for each message. */
    jitterMs: z.number().int().min(0).max(MAX_GAP_MS).default(0),
    /** Shows "typing…" in the chat before a text, for a time that grows with its length. */
    typingIndicator: z.boolean().default(false),
    /** First messages to contacts never messaged or heard from, per rolling hour; null = no cap. */
    maxNewContactsPerHour: z.number().int().min(1).max(10_000).nullable().default(null),
  })
  .strict();
export type Pacing = z.output<typeof Pacing>;

const time = z.iso.datetime({ offset: true });

/** `GET /messages/queue`: what is waiting, never what it says. */
export const SendQueueStatus = z.object({
  depth: z.number().int(),
  /** When the first queued message is due (its typing indicator starts then); null when empty. */
  nextSendAt: time.nullable(),
  /** Queued message ids in sending order. */
  messageIds: z.array(z.string()),
  /** The pacing this request's settings apply to new sends; null = off (sends go straight out). */
  pacing: Pacing.nullable(),
  newContactsLastHour: z.number().int(),
  /** Queued sends WhatsApp refused since the instance started (newest last, at most 20). */
  failures: z.array(z.object({ id: z.string(), at: time, reason: z.string() })),
});
export type SendQueueStatus = z.infer<typeof SendQueueStatus>;

/** `DELETE /messages/queue`: the sends that were cancelled, which will never go out. */
export const SendQueueCancelled = z.object({
  cancelled: z.number().int(),
  messageIds: z.array(z.string()),
});
export type SendQueueCancelled = z.infer<typeof SendQueueCancelled>;
