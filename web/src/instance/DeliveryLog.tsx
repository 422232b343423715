import { useState } from "react";
import { describeError } from "../api";
import { ErrorText, StatusText } from "../components/Alert";
import { formatTime } from "../components/format";
import { CheckedAt } from "../components/StatusBadge";
import { useSession } from "../session";
import type { Delivery, DeliveryPage } from "../types";
import { usePoll } from "../usePoll";

const POLL_MS = 4_000;
const PAGE_SIZE = 20;

function lastResult(delivery: Delivery): string {
  if (delivery.lastStatusCode !== null) return `HTTP ${delivery.lastStatusCode}`;
  return delivery.lastError ?? "—";
}

// Metadata only: event type, state, attempts and status codes; never the event's content.
export function DeliveryLog(props: { instanceId: string }) {
  const { api } = useSession();
  const base = `/v1/instances/${encodeURIComponent(props.instanceId)}`;
  const [page, setPage] = useState(1);
  const log = usePoll(
    () => api.get<DeliveryPage>(`${base}/deliveries?pageNumber=${page}&pageSize=${PAGE_SIZE}`),
    POLL_MS,
    `${props.instanceId}:${page}`,
  );
  const [outcome, setOutcome] = useState("");
  const [error, setError] = useState<string | null>(null);

  const act = async (action: () => Promise<string>) => {
    setError(null);
    setOutcome("");
    try {
      setOutcome(await action());
      log.refresh();
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  const sendTest = () =>
    act(async () => {
      await api.post(`${base}/webhook/test`);
      return "Test event queued. It appears below once it is sent.";
    });
  const retry = (delivery: Delivery) =>
    act(async () => {
      await api.post(`/v1/deliveries/${encodeURIComponent(delivery.id)}/retry`);
      return `Retry of the ${delivery.eventType} delivery queued.`;
    });
  const enable = () =>
    act(async () => {
      await api.post(`${base}/webhook/enable`);
      return "Deliveries to this URL are resumed.";
    });

  const endpoint = log.data?.endpoint;
  const items = log.data?.items ?? [];
  const pages = Math.max(1, Math.ceil((log.data?.totalCount ?? 0) / PAGE_SIZE));
  return (
    <section aria-labelledby="deliveries-heading" className="card">
      <h2 id="deliveries-heading">Webhook deliveries</h2>
      <p>
        {endpoint ? (
          <>
            Sending to <span className="mono">{endpoint.url}</span>.{" "}
          </>
        ) : (
          "No webhook URL is set. "
        )}
        <CheckedAt checkedAt={log.checkedAt} error={log.error} />
      </p>
      {endpoint && !endpoint.enabled ? (
        <div className="notice">
          <p>Deliveries to this URL are paused: {endpoint.reason ?? "the endpoint was disabled"}.</p>
          <button type="button" onClick={() => void enable()}>
            Resume deliveries
          </button>
        </div>
      ) : null}
      <div className="actions">
        <button type="button" onClick={() => void sendTest()} disabled={!endpoint}>
          Send test event
        </button>
      </div>
      <StatusText>{outcome}</StatusText>
      <ErrorText>{error}</ErrorText>
      {log.data && items.length === 0 ? <p>No deliveries yet.</p> : null}
      {items.length > 0 ? (
        <table>
          <caption className="visually-hidden">Webhook deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last result</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((delivery) => (
              <tr key={delivery.id}>
                <td>{formatTime(delivery.createdAt)}</td>
                <td className="mono">{delivery.eventType}</td>
                <td>
                  <span className={`state state-${delivery.state}`}>{delivery.state}</span>
                  {delivery.reason ? <span className="muted"> ({delivery.reason})</span> : null}
                </td>
                <td>{delivery.attemptCount}</td>
                <td>{lastResult(delivery)}</td>
                <td>{formatTime(delivery.nextAttemptAt)}</td>
                <td>
                  {delivery.retryable ? (
                    <button type="button" onClick={() => void retry(delivery)}>
                      Retry<span className="visually-hidden"> the {delivery.eventType} delivery</span>
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {pages > 1 ? (
        <nav aria-label="Delivery pages" className="actions">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Newer
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            Older
          </button>
        </nav>
      ) : null}
    </section>
  );
}
