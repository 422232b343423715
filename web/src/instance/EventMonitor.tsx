import { useEffect, useRef, useState } from "react";
import { describeError } from "../api";
import { ErrorText } from "../components/Alert";
import { formatTime } from "../components/format";
import { EVENT_DESCRIPTIONS, EVENT_TYPES } from "../eventTypes";
import { useSession } from "../session";

interface LoggedEvent {
  eventId: string;
  eventType: string;
  receivedAt: string;
  eventData: Record<string, unknown>;
}

interface FeedPage {
  events: LoggedEvent[];
  cursor: string;
}

/** The newest events kept on screen. */
const KEEP = 100;
const RETRY_MS = 3_000;

/** Field names only, values hidden: what arrived, without showing what it says. */
function masked(data: Record<string, unknown>): string {
  return Object.keys(data).join(", ") || "—";
}

// Events as they arrive (the dashboard's long poll on the event log that GET /events/stream reads):
// pausable, filtered by type, and showing no content until the user reveals it.
export function EventMonitor(props: { instanceId: string }) {
  const { api } = useSession();
  const base = `/v1/instances/${encodeURIComponent(props.instanceId)}/events`;
  const [events, setEvents] = useState<LoggedEvent[]>([]);
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState("");
  const [revealed, setRevealed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Kept across a pause: resuming shows what arrived meanwhile, nothing is skipped.
  const cursorRef = useRef<{ base: string; cursor?: string }>({ base });
  if (cursorRef.current.base !== base) cursorRef.current = { base };

  useEffect(() => {
    if (paused) return;
    let stopped = false;
    const position = cursorRef.current;
    const follow = async () => {
      while (!stopped) {
        const cursor = position.cursor;
        try {
          const page = await api.get<FeedPage>(
            cursor === undefined ? base : `${base}?cursor=${encodeURIComponent(cursor)}`,
          );
          if (stopped) return;
          position.cursor = page.cursor;
          setError(null);
          if (page.events.length > 0)
            setEvents((shown) => [...page.events.reverse(), ...shown].slice(0, KEEP));
        } catch (failure) {
          if (stopped) return;
          setError(describeError(failure));
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    };
    void follow();
    return () => {
      stopped = true;
    };
  }, [api, base, paused]);

  const shown = filter ? events.filter((event) => event.eventType === filter) : events;
  return (
    <section aria-labelledby="monitor-heading" className="card">
      <h2 id="monitor-heading">Live events</h2>
      <p className="muted">
        Events as they arrive (the same ones as <span className="mono">GET /events/stream</span>). Message
        content stays hidden until you reveal it.
      </p>
      <div className="actions">
        <button type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? "Resume" : "Pause"}
        </button>
        <label>
          Type{" "}
          <select value={filter} onChange={(change) => setFilter(change.target.value)}>
            <option value="">All types</option>
            {EVENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={revealed}
            onChange={(change) => setRevealed(change.target.checked)}
          />{" "}
          Reveal content
        </label>
      </div>
      <p role="status" className="muted">
        {paused ? "Paused." : "Listening."} {shown.length} shown.
      </p>
      {error ? <ErrorText>{error}</ErrorText> : null}
      <table>
        <caption className="visually-hidden">Live events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Type</th>
            <th scope="col">Content</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((event) => (
            <tr key={event.eventId}>
              <td>{formatTime(event.receivedAt)}</td>
              <td
                className="mono"
                title={EVENT_DESCRIPTIONS[event.eventType as keyof typeof EVENT_DESCRIPTIONS]}
              >
                {event.eventType}
              </td>
              <td className="mono">{revealed ? JSON.stringify(event.eventData) : masked(event.eventData)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
