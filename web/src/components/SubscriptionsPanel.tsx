import { describeError } from "../api";
import { Link } from "../router";
import { useSession } from "../session";
import type { SubscriptionPage } from "../types";
import { usePoll } from "../usePoll";
import { ErrorText } from "./Alert";
import { formatTime } from "./format";

// The account's subscriptions: each carries instance capacity (the default one follows the plan).
export function SubscriptionsPanel() {
  const { api } = useSession();
  const subscriptions = usePoll(
    () => api.get<SubscriptionPage>("/v1/account/subscriptions?pageSize=100"),
    30_000,
    "subscriptions",
  );
  const items = subscriptions.data?.items ?? [];
  return (
    <section aria-labelledby="subscriptions-heading" className="card">
      <h2 id="subscriptions-heading">Subscriptions</h2>
      <p className="muted">
        Each instance uses one slot of a subscription. New instances go to the subscription of your plan; the
        account API's <code>/account/subscriptions</code> creates them on any other.
      </p>
      {subscriptions.error && !subscriptions.data ? (
        <ErrorText>{describeError(subscriptions.error)}</ErrorText>
      ) : null}
      {subscriptions.data ? null : <p role="status">Loading…</p>}
      {items.length > 0 ? (
        <table>
          <caption className="visually-hidden">Subscriptions with their capacity and instances</caption>
          <thead>
            <tr>
              <th scope="col">Plan</th>
              <th scope="col">Capacity</th>
              <th scope="col">Instances</th>
              <th scope="col">Current period ends</th>
            </tr>
          </thead>
          <tbody>
            {items.map((subscription) => {
              const used = subscription.instanceIds?.length ?? 0;
              return (
                <tr key={subscription.id}>
                  <th scope="row">
                    <span className="capitalize">{subscription.plan}</span>
                    <br />
                    <span className="mono muted">{subscription.id}</span>
                  </th>
                  <td>
                    {used} of {subscription.quantity} slots used
                  </td>
                  <td>
                    {used === 0 ? (
                      "None"
                    ) : (
                      <ul className="plain">
                        {subscription.instanceIds?.map((id) => (
                          <li key={id}>
                            <Link to={`/instances/${encodeURIComponent(id)}`}>{id}</Link>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{formatTime(subscription.curPeriodEnd)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
