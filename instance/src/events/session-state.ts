// Session state (WhatsApp credentials) lives in the control plane, never on this disk. Writes are
// coalesced: a burst of key updates becomes one PUT of the latest snapshot.
import type { InstanceLogs } from "../logs.js";
import { backoffDelay } from "../net/backoff.js";
import type { SessionStateStore } from "../transport/port.js";
import { type ControlClient, errorName } from "./control-client.js";

export interface RemoteSessionStateOptions {
  debounceMs?: number;
  maxDelayMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
}

export class RemoteSessionState implements SessionStateStore {
  private snapshot: (() => string) | undefined;
  private firstDirtyAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private failures = 0;
  private stopped = false;
  private readonly debounceMs: number;
  private readonly maxDelayMs: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly control: ControlClient,
    private readonly logs: InstanceLogs,
    options: RemoteSessionStateOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 1_500;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.retryMinMs = options.retryMinMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
  }

  async load(): Promise<string | null> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.control.getSessionState();
      } catch (error) {
        if (this.stopped) throw error;
        const delay = backoffDelay(attempt, this.retryMinMs, this.retryMaxMs);
        this.logs.sessionStateFailed("load", errorName(error), delay);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  save(snapshot: () => string): void {
    if (!this.snapshot) this.firstDirtyAt = Date.now();
    this.snapshot = snapshot;
    // Debounce, but never hold a dirty state longer than maxDelayMs.
    const delay = Math.max(0, Math.min(this.debounceMs, this.firstDirtyAt + this.maxDelayMs - Date.now()));
    this.arm(delay);
  }

  async clear(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.snapshot = undefined;
    await this.writing;
    await this.control.putSessionState("null");
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    if (this.snapshot) await this.write();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, delayMs);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    if (this.writing) {
      await this.writing;
      if (this.snapshot && !this.timer) this.arm(0);
      return;
    }
    const snapshot = this.snapshot;
    if (!snapshot) return;
    this.snapshot = undefined;
    this.writing = (async () => {
      try {
        await this.control.putSessionState(snapshot());
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        // Keep the newest snapshot if one arrived meanwhile; otherwise retry this one.
        if (!this.snapshot) {
          this.snapshot = snapshot;
          this.firstDirtyAt = Date.now();
        }
        const delay = backoffDelay(this.failures, this.retryMinMs, this.retryMaxMs);
        this.logs.sessionStateFailed("save", errorName(error), delay);
        if (!this.stopped) this.arm(delay);
      }
    })();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }
}
