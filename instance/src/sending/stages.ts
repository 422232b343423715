// The `sent` stage of a message's timeline: the time it was handed to WhatsApp, reported once the
// send has given it its id (the transport reports the server's ack itself).
import type { StageRecorder } from "../events/stage-reporter.js";
import type { OutgoingMessage, SendOptions, WhatsAppTransport } from "../transport/port.js";

export async function sendReportingStage(
  transport: Pick<WhatsAppTransport, "send">,
  recordStage: StageRecorder | undefined,
  to: string,
  message: OutgoingMessage,
  options: SendOptions,
): Promise<string> {
  const sentAt = new Date();
  const id = await transport.send(to, message, options);
  recordStage?.(id, "sent", sentAt);
  return id;
}
