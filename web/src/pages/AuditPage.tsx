import { describeError } from "../api";
import { ErrorText } from "../components/Alert";
import { formatTime } from "../components/format";
import { PageTitle } from "../components/PageTitle";
import { useSession } from "../session";
import type { AuditItem } from "../types";
import { usePoll } from "../usePoll";

const ACTIONS: Record<string, string> = {
  "apiKey.revealed": "Account API key revealed",
  "apiKey.rotated": "Account API key rotated",
  "webhookSecret.revealed": "Webhook signing secret revealed",
  "webhookSecret.rotated": "Webhook signing secret rotated",
};

export function AuditPage() {
  const { api } = useSession();
  const audit = usePoll(() => api.get<{ items: AuditItem[] }>("/v1/account/audit"), 30_000, "audit");
  const items = audit.data?.items ?? [];
  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <p>Security-relevant actions on this account, newest first (the last 50, kept for a year).</p>
      {audit.error ? <ErrorText>{describeError(audit.error)}</ErrorText> : null}
      {audit.data && items.length === 0 ? <p>Nothing recorded yet.</p> : null}
      {items.length > 0 ? (
        <table>
          <caption className="visually-hidden">Audit log entries</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Instance</th>
              <th scope="col">Request ID</th>
            </tr>
          </thead>
          <tbody>
            {items.map((entry) => (
              <tr key={`${entry.at}-${entry.action}-${entry.requestId ?? ""}`}>
                <td>{formatTime(entry.at)}</td>
                <td>{ACTIONS[entry.action] ?? entry.action}</td>
                <td className="mono">{entry.target ?? "—"}</td>
                <td className="mono">{entry.requestId ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
