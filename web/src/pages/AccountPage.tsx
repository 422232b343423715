import { describeError } from "../api";
import { ErrorText } from "../components/Alert";
import { ApiKeyPanel } from "../components/ApiKeyPanel";
import { DeleteAccountPanel } from "../components/DeleteAccountPanel";
import { formatTime } from "../components/format";
import { PageTitle } from "../components/PageTitle";
import { SubscriptionsPanel } from "../components/SubscriptionsPanel";
import { Link } from "../router";
import { useSession } from "../session";
import type { Account, InstancePage } from "../types";
import { usePoll } from "../usePoll";

export function AccountPage() {
  const { api } = useSession();
  const account = usePoll(() => api.get<Account>("/v1/account"), 30_000, "account");
  const instances = usePoll(
    () => api.get<InstancePage>("/v1/instances?pageSize=1"),
    30_000,
    "instance-count",
  );
  const data = account.data;

  return (
    <>
      <PageTitle>Account &amp; API key</PageTitle>
      {account.error && !data ? <ErrorText>{describeError(account.error)}</ErrorText> : null}
      {data ? (
        <>
          <section aria-labelledby="plan-heading" className="card">
            <h2 id="plan-heading">Plan and usage</h2>
            <dl className="facts">
              <dt>Email</dt>
              <dd>{data.email}</dd>
              <dt>Account status</dt>
              <dd>{data.status === "active" ? "Active" : "Suspended: API calls are refused"}</dd>
              <dt>Plan</dt>
              <dd className="capitalize">{data.plan.id}</dd>
              <dt>Instances</dt>
              <dd>
                {instances.data ? `${instances.data.totalCount} of ${data.plan.instanceLimit} used` : "…"}
              </dd>
              <dt>Rate limit</dt>
              <dd>
                {data.plan.requestsPerMinute} API requests per minute (answers 429 with Retry-After beyond it)
              </dd>
            </dl>
          </section>
          <SubscriptionsPanel />
          <ApiKeyPanel
            heading="Account API key"
            description="Works for every instance of this account (with X-Instance-Id) and for the /account API. Keep it on your server."
            prefix={data.apiKey.prefix}
            createdAt={data.apiKey.createdAt}
            reveal={async () => (await api.post<{ apiKey: string }>("/v1/account/api-key/reveal")).apiKey}
            rotate={async () => (await api.post<{ apiKey: string }>("/v1/account/api-key/rotate")).apiKey}
            onRotated={account.refresh}
          />
          <p className="muted">
            Key created {formatTime(data.apiKey.createdAt)}. Every reveal and rotation is recorded in the{" "}
            <Link to="/audit">audit log</Link>.
          </p>
          <DeleteAccountPanel email={data.email} />
        </>
      ) : (
        <p role="status">Loading…</p>
      )}
    </>
  );
}
