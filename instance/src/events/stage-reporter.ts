// The send-side stages of this instance's messages (accepted, sent, server ack) go to the control
// plane for their timelines: ids and times only, batched, retried with backoff while it is down.
// Held in memory (a bounded buffer, oldest dropped first): a timeline is a diagnostic, so a crash
// may cost it a stage but never delays or loses a message or an event.
import {
  MESSAGE_STAGES_BATCH_MAX,
  type MessageStageReport,
  type SendStage,
} from "@wsapi/contracts/message-timeline";
import type { InstanceLogs } from "../logs.js";
import { backoffDelay } from "../net/backoff.js";
import type { DeliveryOutcome } from "./control-client.js";

export interface StageReporterOptions {
  post: (stages: MessageStageReport[]) => Promise<DeliveryOutcome>;
  logs: InstanceLogs;
  maxPending?: number;
  /** Stages reported within this time go in one request. */
  batchDelayMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export type StageRecorder = (messageId: string, stage: SendStage, at?: Date) => void;

export class StageReporter {
  private pending: MessageStageReport[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing = false;
  private failures = 0;
  private stopped = false;
  private readonly maxPending: number;
  private readonly batchDelayMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: StageReporterOptions) {
    this.maxPending = options.maxPending ?? 10_000;
    this.batchDelayMs = options.batchDelayMs ?? 100;
    this.minBackoffMs = options.minBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
  }

  readonly record: StageRecorder = (messageId, stage, at = new Date()) => {
    if (this.stopped) return;
    this.pending.push({ messageId, stage, at: at.toISOString() });
    const excess = this.pending.length - this.maxPending;
    if (excess > 0) {
      this.pending.splice(0, excess);
      this.options.logs.stagesDropped(excess, "buffer full");
    }
    if (!this.flushing && this.failures === 0) this.schedule(this.batchDelayMs);
  };

  pendingCount(): number {
    return this.pending.length;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
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
        const batch = this.pending.slice(0, MESSAGE_STAGES_BATCH_MAX);
        const outcome = await this.options.post(batch);
        if (outcome.kind === "retry") {
          this.failures += 1;
          const delay = backoffDelay(this.failures, this.minBackoffMs, this.maxBackoffMs);
          this.options.logs.stagesDeliveryFailed(outcome.reason, this.pending.length, delay);
          this.schedule(delay);
          return;
        }
        this.failures = 0;
        this.pending.splice(0, batch.length);
        if (outcome.kind === "rejected")
          this.options.logs.stagesDropped(batch.length, `status ${outcome.status}`);
      }
    } finally {
      this.flushing = false;
    }
  }
}
