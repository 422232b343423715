import { type FormEvent, useState } from "react";
import { describeError } from "../api";
import { ErrorText, StatusText } from "../components/Alert";
import { EVENT_DESCRIPTIONS, EVENT_TYPES, SESSION_EVENTS } from "../eventTypes";
import { useSession } from "../session";
import type { InstanceDetail } from "../types";

type Settings = InstanceDetail["settings"];

// Where this instance's events go: URL, which event types, and an optional auth header. The
// header's value is write-only: the API says whether one is set, never what it is.
export function WebhookSettings(props: { instanceId: string; settings: Settings; onSaved: () => void }) {
  const { api } = useSession();
  const initial = props.settings;
  const [url, setUrl] = useState(initial.webhookUrl ?? "");
  const [allEvents, setAllEvents] = useState(initial.eventFilters === null);
  const [selected, setSelected] = useState<Set<string>>(new Set(initial.eventFilters ?? []));
  const [headerName, setHeaderName] = useState(initial.webhookAuthHeader ?? "");
  const [headerValue, setHeaderValue] = useState("");
  const [saved, setSaved] = useState("");
  const [error, setError] = useState<string | null>(null);

  const toggle = (eventType: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(eventType);
    else next.delete(eventType);
    setSelected(next);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved("");
    const header = headerName.trim();
    if (header && !headerValue && !initial.hasWebhookAuthValue) {
      setError("Enter the auth header's value, or clear its name.");
      return;
    }
    const body = {
      webhookUrl: url.trim() || null,
      eventFilters: allEvents ? null : [...selected],
      webhookAuthHeader: header || null,
      // An empty value field keeps the stored value; clearing the name removes both.
      ...(header ? (headerValue ? { webhookAuthValue: headerValue } : {}) : { webhookAuthValue: null }),
    };
    try {
      await api.put(`/v1/instances/${encodeURIComponent(props.instanceId)}/settings`, body);
      setHeaderValue("");
      setSaved("Webhook settings saved.");
      props.onSaved();
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <section aria-labelledby="webhook-heading" className="card">
      <h2 id="webhook-heading">Webhook</h2>
      <form onSubmit={submit} className="stack">
        <label htmlFor="webhook-url">Webhook URL</label>
        <input
          id="webhook-url"
          type="url"
          inputMode="url"
          placeholder="https://example.com/wsapi-events"
          aria-describedby="webhook-url-hint"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
        />
        <p id="webhook-url-hint" className="muted">
          Events are POSTed here, signed with the signing secret below. Leave empty to stop sending.
        </p>
        <fieldset>
          <legend>Events to send</legend>
          <label className="checkbox">
            <input type="radio" name="event-scope" checked={allEvents} onChange={() => setAllEvents(true)} />
            All events
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="event-scope"
              checked={!allEvents}
              onChange={() => setAllEvents(false)}
            />
            Only the events chosen below (pairing events are always sent)
          </label>
          <div className="event-grid">
            {EVENT_TYPES.map((eventType) => (
              <div key={eventType} className="checkbox">
                <input
                  type="checkbox"
                  id={`event-${eventType}`}
                  aria-describedby={`event-${eventType}-description`}
                  disabled={allEvents || SESSION_EVENTS.has(eventType)}
                  checked={allEvents || SESSION_EVENTS.has(eventType) || selected.has(eventType)}
                  onChange={(event) => toggle(eventType, event.target.checked)}
                />
                <label htmlFor={`event-${eventType}`} className="mono">
                  {eventType}
                </label>
                <span className="muted" id={`event-${eventType}-description`}>
                  {EVENT_DESCRIPTIONS[eventType]}
                </span>
              </div>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Auth header (optional)</legend>
          <label htmlFor="auth-header-name">Header name</label>
          <input
            id="auth-header-name"
            placeholder="Authorization"
            autoComplete="off"
            value={headerName}
            onChange={(event) => setHeaderName(event.target.value)}
          />
          <label htmlFor="auth-header-value">Header value</label>
          <input
            id="auth-header-value"
            type="password"
            autoComplete="off"
            aria-describedby="auth-header-hint"
            value={headerValue}
            onChange={(event) => setHeaderValue(event.target.value)}
          />
          <p id="auth-header-hint" className="muted">
            {initial.hasWebhookAuthValue
              ? "A value is stored (encrypted). Leave empty to keep it; clear the name to remove the header."
              : "Sent with every webhook request, stored encrypted and never shown again."}
          </p>
        </fieldset>
        <button type="submit" className="primary">
          Save webhook settings
        </button>
        <StatusText>{saved}</StatusText>
        <ErrorText>{error}</ErrorText>
      </form>
    </section>
  );
}
