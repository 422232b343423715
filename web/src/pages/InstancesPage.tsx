import { type FormEvent, useState } from "react";
import { describeError } from "../api";
import { ErrorText } from "../components/Alert";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { useEmailVerification } from "../components/EmailVerification";
import { formatTime } from "../components/format";
import { PageTitle } from "../components/PageTitle";
import { CheckedAt, StatusBadge } from "../components/StatusBadge";
import { Link, navigate } from "../router";
import { useSession } from "../session";
import type { Account, InstancePage, InstanceSummary } from "../types";
import { usePoll } from "../usePoll";

const POLL_MS = 4_000;

export function InstancesPage() {
  const { api } = useSession();
  const instances = usePoll(() => api.get<InstancePage>("/v1/instances?pageSize=100"), POLL_MS, "instances");
  const account = usePoll(() => api.get<Account>("/v1/account"), 60_000, "account");
  const [name, setName] = useState("");
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<InstanceSummary | null>(null);
  const email = useEmailVerification();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setCreating(true);
    setError(null);
    try {
      const created = await api.post<InstanceSummary>(
        "/v1/instances",
        name.trim() ? { name: name.trim() } : {},
      );
      navigate(`/instances/${encodeURIComponent(created.id)}`);
    } catch (failure) {
      setError(describeError(failure));
      setCreating(false);
    }
  };

  const items = instances.data?.items ?? [];
  const plan = account.data?.plan;
  return (
    <>
      <PageTitle>Instances</PageTitle>
      <p>
        An instance is one WhatsApp number, paired once by scanning a QR code.{" "}
        {plan && instances.data
          ? `You use ${instances.data.totalCount} of ${plan.instanceLimit} instances on the ${plan.id} plan.`
          : ""}
      </p>
      <form onSubmit={create} className="inline-form" aria-label="Create an instance">
        <label htmlFor="instance-name">Name of the new instance</label>
        <input
          id="instance-name"
          value={name}
          maxLength={256}
          placeholder="e.g. Support line"
          onChange={(event) => setName(event.target.value)}
        />
        <button
          type="submit"
          className="primary"
          disabled={creating}
          aria-busy={creating}
          aria-describedby={email.verified ? undefined : "create-needs-verification"}
        >
          {creating ? "Creating…" : "Create instance"}
        </button>
      </form>
      {email.verified ? null : (
        <p id="create-needs-verification" className="muted">
          An instance is a paid, always-on resource, so creating one needs a confirmed email address: open the
          link we sent to {email.user?.email}, or send it again above.
        </p>
      )}
      <ErrorText>{error}</ErrorText>
      <section aria-labelledby="instances-heading">
        <h2 id="instances-heading">Your instances</h2>
        <p>
          <CheckedAt checkedAt={instances.checkedAt} error={instances.error} />
        </p>
        {instances.error && !instances.data ? <ErrorText>{describeError(instances.error)}</ErrorText> : null}
        {instances.data && items.length === 0 ? <p>No instances yet: create one above.</p> : null}
        {items.length > 0 ? (
          <table>
            <caption className="visually-hidden">Instances with their live status</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Instance ID</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((instance) => (
                <tr key={instance.id}>
                  <th scope="row">
                    <Link to={`/instances/${encodeURIComponent(instance.id)}`}>
                      {instance.name || instance.id}
                    </Link>
                  </th>
                  <td className="mono">{instance.id}</td>
                  <td>
                    <StatusBadge status={instance.status} />
                  </td>
                  <td>{formatTime(instance.created)}</td>
                  <td>
                    <button type="button" className="danger" onClick={() => setToDelete(instance)}>
                      Delete<span className="visually-hidden"> {instance.name || instance.id}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <ConfirmDialog
        open={toDelete !== null}
        title={`Delete ${toDelete?.name || toDelete?.id || "instance"}?`}
        confirmLabel="Delete instance"
        onClose={() => setToDelete(null)}
        onConfirm={async () => {
          await api.del(`/v1/instances/${encodeURIComponent(toDelete!.id)}`);
          instances.refresh();
        }}
      >
        <p>
          The paired WhatsApp session, the instance's API key and its settings are removed. Calls with its key
          stop working at once. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
