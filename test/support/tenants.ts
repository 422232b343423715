import { adminDb, asUser, type DashboardUser, json, signUpAndSignIn, stack } from "./stack.js";
import { waitFor } from "./wait.js";

// Tenants with running instances, for gateway and isolation tests.
export interface Tenant {
  user: DashboardUser;
  accountKey: string;
  instances: Array<{ id: string; apiKey: string }>;
}

export async function accountKeyOf(user: DashboardUser): Promise<string> {
  const revealed = await json(
    "POST",
    `${stack().dashboard}/v1/account/api-key/reveal`,
    undefined,
    asUser(user),
  );
  return String(revealed.body.apiKey);
}

export async function waitRunning(accountKey: string, instanceId: string) {
  const detail = await waitFor(
    () =>
      json("GET", `${stack().gateway}/account/instances/${instanceId}`, undefined, {
        "x-api-key": accountKey,
      }),
    "detail",
    {
      until: (response) => response.body.status === "unpaired" || response.body.status === "connected",
      timeoutMs: 60_000,
    },
  );
  if (detail.body.status !== "unpaired" && detail.body.status !== "connected") {
    throw new Error(`instance ${instanceId} did not start: ${JSON.stringify(detail.body)}`);
  }
}

export const UNTHROTTLED_PLAN = { id: "test-unthrottled", instanceLimit: 10, requestsPerMinute: 100_000 };

export async function createTenant(label: string, instanceIds: string[]): Promise<Tenant> {
  const user = await signUpAndSignIn(label);
  await setPlan(user.uid, UNTHROTTLED_PLAN);
  const accountKey = await accountKeyOf(user);
  const instances = [];
  for (const id of instanceIds) {
    const created = await json(
      "POST",
      `${stack().gateway}/account/instances`,
      { id },
      { "x-api-key": accountKey },
    );
    if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
    instances.push({ id, apiKey: String(created.body.apiKey) });
  }
  await Promise.all(instanceIds.map((id) => waitRunning(accountKey, id)));
  return { user, accountKey, instances };
}

export async function setAccountStatus(uid: string, status: "active" | "suspended") {
  await adminDb().collection("accounts").doc(uid).update({ status });
}

export async function setPlan(
  uid: string,
  plan: { id: string; instanceLimit: number; requestsPerMinute: number },
) {
  const { id, ...limits } = plan;
  await adminDb().collection("plans").doc(id).set(limits);
  await adminDb().collection("accounts").doc(uid).update({ planId: id });
}

/** Links a simulated phone to an instance by scanning its QR, and waits until it is logged in. */
export async function pairInstance(accountKey: string, instanceId: string, phone: string) {
  const { gateway, simulator } = stack();
  const headers = { "x-api-key": accountKey, "x-instance-id": instanceId };
  // A fresh instance needs a moment to reach the network before it can show a QR.
  const qr = await waitFor(
    () => json("GET", `${gateway}/session/qr/text`, undefined, headers),
    "a QR from the instance",
    { until: (r) => r.status !== 503, timeoutMs: 90_000 },
  );
  if (qr.status !== 200) throw new Error(`no QR for ${instanceId}: ${JSON.stringify(qr.body)}`);
  const linked = await json("POST", `${simulator}/v1/phones/${phone}/link`, { qr: qr.body.code });
  if (linked.status !== 200) throw new Error(`linking ${phone} failed: ${JSON.stringify(linked.body)}`);
  const status = await waitFor(
    () => json("GET", `${gateway}/session/status`, undefined, headers),
    "the instance to log in",
    { until: (r) => r.body.isLoggedIn === true },
  );
  if (status.body.isLoggedIn !== true) throw new Error(`${instanceId} never logged in`);
}
