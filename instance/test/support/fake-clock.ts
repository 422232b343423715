// A clock tests move by hand: sleeps resolve only when advance() passes their time.
import type { SendQueueClock } from "../../src/sending/send-queue.js";

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FakeClock implements SendQueueClock {
  private timers: Array<{ at: number; resolve: () => void }> = [];

  constructor(public time = 1_800_000_000_000) {}

  now = () => this.time;

  sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = { at: this.time + ms, resolve };
      this.timers.push(timer);
      signal.addEventListener(
        "abort",
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          resolve();
        },
        { once: true },
      );
    });

  /** Moves time forward by `ms`, waking each sleeper at its own time and letting it run. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.resolve();
    }
    this.time = end;
    await settle();
  }
}
