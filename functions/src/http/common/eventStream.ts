import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { ApiError } from "../../core/errors.js";
import { type EventLogDeps, isEventId, nextEvents, streamKeyOf, streamStart } from "../../core/eventLog.js";
import type { Instance } from "../../core/instances.js";
import type { LogEvents } from "../../core/logs.js";

// GET /events/stream (our extension): an instance's events as Server-Sent Events. New events reach
// an open stream by polling the event log every `pollMs`; the stream ends before the function's
// timeout (`maxMs`) and the client reconnects with Last-Event-ID, which replays exactly what it missed.
export interface EventStreamDeps {
  log: EventLogDeps["log"];
  keyRing: EventLogDeps["keyRing"];
  clock: EventLogDeps["clock"];
  pollMs: number;
  /** At most this long per connection (below the function's timeout). */
  maxMs: number;
  /** A comment line at least this often, so proxies keep an idle stream open. */
  keepAliveMs: number;
  logs: LogEvents;
}

const PAGE = 100;
/** What a client waits before it reconnects (EventSource's `retry`). */
const RETRY_MS = 1_000;

function acceptsEventStream(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(",").some((part) => /^\s*(text\/event-stream|text\/\*|\*\/\*)\s*(;|$)/i.test(part));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const wake = () => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener("abort", wake, { once: true });
  });
}

export async function streamEvents(c: Context, deps: EventStreamDeps, instance: Instance) {
  if (!acceptsEventStream(c.req.header("accept"))) {
    throw new ApiError("NOT_ACCEPTABLE", "This stream answers text/event-stream only.");
  }
  const lastEventId = c.req.header("last-event-id")?.trim() || c.req.query("lastEventId") || undefined;
  if (lastEventId !== undefined && !isEventId(lastEventId)) {
    throw new ApiError("VALIDATION", "Last-Event-ID must be an event id (evt_<ms>_<16 hex>).");
  }
  const stream = streamKeyOf(instance.accountId, instance.instanceId);
  const start = await streamStart(deps, stream, lastEventId);
  const signal = c.req.raw.signal;
  c.header("X-Accel-Buffering", "no");
  return streamSSE(c, async (sse) => {
    const closed = new AbortController();
    const stop = () => closed.abort();
    signal.addEventListener("abort", stop, { once: true });
    sse.onAbort(stop);
    const endAt = deps.clock.now() + deps.maxMs;
    let afterSeq = start.afterSeq;
    let lastWrite = deps.clock.now();
    let sent = 0;
    let reason = "time limit";
    try {
      await sse.write(`retry: ${RETRY_MS}\n`);
      await sse.write(start.replayAll ? ": replaying every event still held\n\n" : ": connected\n\n");
      while (!closed.signal.aborted && deps.clock.now() < endAt) {
        const page = await nextEvents(deps, stream, afterSeq, PAGE);
        for (const event of page.events) {
          await sse.writeSSE({ id: event.eventId, event: event.eventType, data: event.data });
          lastWrite = deps.clock.now();
          sent++;
        }
        afterSeq = page.afterSeq;
        if (page.more) continue;
        if (deps.clock.now() - lastWrite >= deps.keepAliveMs) {
          await sse.write(": keep-alive\n\n");
          lastWrite = deps.clock.now();
        }
        await sleep(Math.min(deps.pollMs, Math.max(0, endAt - deps.clock.now())), closed.signal);
      }
      if (closed.signal.aborted) reason = "client closed";
    } catch (error) {
      // The client sees the stream end and reconnects with its Last-Event-ID; nothing is lost.
      reason = "error";
      deps.logs.unexpectedError(c.get("requestId"), error);
    } finally {
      signal.removeEventListener("abort", stop);
      deps.logs.eventStreamClosed(c.get("requestId"), instance.instanceId, sent, reason);
    }
  });
}
