import { lazy, Suspense, useState } from "react";
import { ApiProblem, describeError } from "../api";
import { ErrorText, StatusText } from "../components/Alert";
import { ApiKeyPanel } from "../components/ApiKeyPanel";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { PageTitle } from "../components/PageTitle";
import { CheckedAt, StatusBadge } from "../components/StatusBadge";
import { DeliveryLog } from "../instance/DeliveryLog";
import { EventMonitor } from "../instance/EventMonitor";
import { PairingPanel } from "../instance/PairingPanel";
import { SigningSecretPanel } from "../instance/SigningSecretPanel";
import { WebhookSettings } from "../instance/WebhookSettings";
import { Link, navigate } from "../router";
import { useSession } from "../session";
import type { InstanceDetail } from "../types";
import { usePoll } from "../usePoll";

const POLL_MS = 3_000;
// The charting library is loaded with the instance page's numbers only, not with the whole app.
const StatsPanel = lazy(() =>
  import("../instance/StatsPanel").then((module) => ({ default: module.StatsPanel })),
);

export function InstancePage(props: { instanceId: string }) {
  const { api } = useSession();
  const base = `/v1/instances/${encodeURIComponent(props.instanceId)}`;
  const detail = usePoll(() => api.get<InstanceDetail>(base), POLL_MS, props.instanceId);
  const [dialog, setDialog] = useState<"delete" | "logout" | null>(null);
  const [outcome, setOutcome] = useState("");
  const [error, setError] = useState<string | null>(null);
  const instance = detail.data;

  if (!instance) {
    const missing = detail.error instanceof ApiProblem && detail.error.status === 404;
    return (
      <>
        <p>
          <Link to="/">All instances</Link>
        </p>
        <PageTitle>{missing ? "Instance not found" : "Instance"}</PageTitle>
        {detail.error ? <ErrorText>{describeError(detail.error)}</ErrorText> : <p role="status">Loading…</p>}
      </>
    );
  }

  const restart = async () => {
    setError(null);
    try {
      await api.put(`${base}/restart`);
      setOutcome("Restart requested. The status below follows it.");
      detail.refresh();
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  const running = instance.runtime.state === "running";
  return (
    <>
      <p>
        <Link to="/">All instances</Link>
      </p>
      <PageTitle>{instance.name || instance.id}</PageTitle>
      <section aria-labelledby="status-heading" className="card">
        <h2 id="status-heading">Status</h2>
        <p className="status-line">
          <StatusBadge status={instance.status} />{" "}
          {instance.deviceId ? (
            <span>
              Paired device <span className="mono">{instance.deviceId}</span>
            </span>
          ) : null}
        </p>
        {instance.runtime.detail ? <p className="muted">{instance.runtime.detail}</p> : null}
        <p>
          Instance ID <span className="mono">{instance.id}</span> ·{" "}
          <CheckedAt checkedAt={detail.checkedAt} error={detail.error} />
        </p>
        <div className="actions">
          <button type="button" onClick={() => void restart()}>
            Restart instance
          </button>
          {instance.status === "connected" ? (
            <button type="button" className="danger" onClick={() => setDialog("logout")}>
              Unpair phone
            </button>
          ) : null}
        </div>
        <StatusText>{outcome}</StatusText>
        <ErrorText>{error}</ErrorText>
      </section>
      {instance.status !== "connected" ? <PairingPanel instanceId={instance.id} ready={running} /> : null}
      <ApiKeyPanel
        heading="Instance API key"
        description="Works for this instance only: send it as X-Api-Key together with X-Instance-Id."
        prefix={instance.apiKey.prefix}
        createdAt={instance.apiKey.createdAt}
        reveal={async () => (await api.post<{ apiKey: string }>(`${base}/apikey/reveal`)).apiKey}
        rotate={() => api.put<string>(`${base}/apikey`)}
        onRotated={detail.refresh}
      />
      <WebhookSettings
        key={instance.id}
        instanceId={instance.id}
        settings={instance.settings}
        onSaved={detail.refresh}
      />
      <SigningSecretPanel instanceId={instance.id} />
      <Suspense fallback={<p role="status">Loading the numbers…</p>}>
        <StatsPanel instanceId={instance.id} />
      </Suspense>
      <DeliveryLog instanceId={instance.id} />
      <EventMonitor instanceId={instance.id} />
      <section aria-labelledby="danger-heading" className="card">
        <h2 id="danger-heading">Delete</h2>
        <button type="button" className="danger" onClick={() => setDialog("delete")}>
          Delete this instance
        </button>
      </section>
      <ConfirmDialog
        open={dialog === "delete"}
        title={`Delete ${instance.name || instance.id}?`}
        confirmLabel="Delete instance"
        onClose={() => setDialog(null)}
        onConfirm={async () => {
          await api.del(base);
          navigate("/");
        }}
      >
        <p>The WhatsApp session, the API key and the settings are removed. This cannot be undone.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "logout"}
        title="Unpair the phone?"
        confirmLabel="Unpair phone"
        onClose={() => setDialog(null)}
        onConfirm={async () => {
          await api.post(`${base}/session/logout`);
          detail.refresh();
        }}
      >
        <p>The phone is logged out of this instance. Pair again with a new QR code.</p>
      </ConfirmDialog>
    </>
  );
}
