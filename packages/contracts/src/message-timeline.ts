// Message timelines: our extension to WSAPI (not in its OpenAPI). `GET /messages/{id}/timeline`
// answers the stages of one message from metadata only (never its content). The instance reports
// its send-side stages to the control plane (`POST ${controlUrl}/v1/message-stages`, its own
// token, like events); receipts come from `message_read` events and the webhook stage from the
// webhook worker.
import { z } from "zod";

export const MESSAGE_STAGES_PATH = "/v1/message-stages";
export const MESSAGE_STAGES_BATCH_MAX = 500;

/** What the instance itself sees of a send: accepted by its API, handed to WhatsApp, acked by WhatsApp's server. */
export const SEND_STAGES = ["accepted", "sent", "serverAck"] as const;
export const SendStage = z.enum(SEND_STAGES);
export type SendStage = z.infer<typeof SendStage>;

/** Every stage, in the order a message goes through them. */
export const TIMELINE_STAGES = [...SEND_STAGES, "delivered", "read", "webhookDelivered"] as const;
export type TimelineStage = (typeof TIMELINE_STAGES)[number];

/** WhatsApp message ids are short (Baileys: 16–32 hex characters); anything longer is no message id. */
export const MessageId = z.string().min(1).max(128);

const time = z.iso.datetime({ offset: true });

export const MessageStageReport = z.object({ messageId: MessageId, stage: SendStage, at: time });
export type MessageStageReport = z.infer<typeof MessageStageReport>;

/** Body of `POST ${controlUrl}/v1/message-stages`. */
export const MessageStageBatch = z.object({
  stages: z.array(MessageStageReport).min(1).max(MESSAGE_STAGES_BATCH_MAX),
});

const plainStage = (stage: Exclude<TimelineStage, "webhookDelivered">) =>
  z.object({ stage: z.literal(stage), at: time });

/** One stage; `webhookDelivered` also says which event carried the message and after how many attempts. */
export const TimelineStageEntry = z.discriminatedUnion("stage", [
  plainStage("accepted"),
  plainStage("sent"),
  plainStage("serverAck"),
  plainStage("delivered"),
  plainStage("read"),
  z.object({
    stage: z.literal("webhookDelivered"),
    at: time,
    attempts: z.number().int().min(1),
    eventId: z.string(),
    eventType: z.string(),
  }),
]);

/** `GET /messages/{id}/timeline`: the stages reached so far, in TIMELINE_STAGES order; absent ones omitted. */
export const MessageTimeline = z.object({
  messageId: z.string(),
  stages: z.array(TimelineStageEntry),
});
export type MessageTimeline = z.infer<typeof MessageTimeline>;
