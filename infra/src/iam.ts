import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { InfraConfig } from "./config.ts";

export interface ServiceAccounts {
  /** Runs dashboard, events, deliverWebhook, reconcile; provisions instances into cells. */
  functions: gcp.serviceaccount.Account;
  /** Runs the public `api` function; forwards calls to instance services. */
  gateway: gcp.serviceaccount.Account;
  /** Identity in the OIDC token Cloud Tasks presents to deliverWebhook; runs no code and holds no data. */
  taskInvoker: gcp.serviceaccount.Account;
}

export const SERVICE_ACCOUNT_IDS = {
  functions: "wsapi-functions",
  gateway: "wsapi-gateway",
  taskInvoker: "wsapi-task-invoker",
} as const;

/**
 * What the provisioner (functions/src/adapters/cloudRunRuntime.ts) needs in a cell project: per
 * instance one Cloud Run service, one service account and one runtime secret. setIamPolicy covers
 * services and secrets only: gateway invoker on the service, instance account on its secret.
 */
export const PROVISIONER_PERMISSIONS = [
  "run.services.create",
  "run.services.get",
  "run.services.list",
  "run.services.update",
  "run.services.delete",
  "run.services.getIamPolicy",
  "run.services.setIamPolicy",
  "run.revisions.get",
  "run.revisions.list",
  "run.operations.get",
  "iam.serviceAccounts.create",
  "iam.serviceAccounts.get",
  "iam.serviceAccounts.list",
  "iam.serviceAccounts.delete",
  "iam.serviceAccounts.actAs",
  "secretmanager.secrets.create",
  "secretmanager.secrets.delete",
  "secretmanager.secrets.setIamPolicy",
  "secretmanager.versions.add",
  // The adapter reads the latest version back so an unchanged secret does not roll a revision.
  "secretmanager.versions.access",
] as const;

/** Dashboard sign-up (server-side, under its password check), `__session` cookies and sign-out revocation. */
export const AUTH_MANAGER_PERMISSIONS = [
  "firebaseauth.users.create",
  "firebaseauth.users.get",
  "firebaseauth.users.update",
  "firebaseauth.users.createSession",
] as const;

export function memberOf(account: gcp.serviceaccount.Account): pulumi.Output<string> {
  return pulumi.interpolate`serviceAccount:${account.email}`;
}

export function buildServiceAccounts(config: InfraConfig): ServiceAccounts {
  const account = (key: keyof typeof SERVICE_ACCOUNT_IDS, displayName: string, description: string) =>
    new gcp.serviceaccount.Account(SERVICE_ACCOUNT_IDS[key], {
      project: config.project,
      accountId: SERVICE_ACCOUNT_IDS[key],
      displayName,
      description,
    });
  return {
    functions: account("functions", "WSAPI functions", "dashboard, events, deliverWebhook, reconcile"),
    gateway: account("gateway", "WSAPI API gateway", "the public api function"),
    taskInvoker: account("taskInvoker", "WSAPI task invoker", "OIDC identity of webhook delivery tasks"),
  };
}

/** Grants in the control-plane project that have no narrower resource to attach to. */
export function buildControlPlaneIam(config: InfraConfig, accounts: ServiceAccounts) {
  // Firestore has no per-collection IAM; every client write goes through these two identities.
  const firestoreUsers = (["functions", "gateway"] as const).map(
    (key) =>
      new gcp.projects.IAMMember(`${key}-datastore-user`, {
        project: config.project,
        role: "roles/datastore.user",
        member: memberOf(accounts[key]),
      }),
  );
  const authRole = new gcp.projects.IAMCustomRole("auth-manager", {
    project: config.project,
    roleId: "wsapiAuthManager",
    title: "WSAPI dashboard accounts and sessions",
    description: "Create users, session cookies and revoke refresh tokens; no config or deletion rights.",
    permissions: [...AUTH_MANAGER_PERMISSIONS],
  });
  const authManager = new gcp.projects.IAMMember("functions-auth-manager", {
    project: config.project,
    role: authRole.name,
    member: memberOf(accounts.functions),
  });
  // Cloud Tasks only mints an OIDC token for an identity the enqueuer may act as: granted on that one account.
  const taskInvokerUser = new gcp.serviceaccount.IAMMember("functions-act-as-task-invoker", {
    serviceAccountId: accounts.taskInvoker.name,
    role: "roles/iam.serviceAccountUser",
    member: memberOf(accounts.functions),
  });
  // firebase-admin task queues (provisioninstance) sign each task's OIDC token as the enqueuing
  // function's own account, and Cloud Tasks checks actAs even on oneself.
  const selfUsers = (["functions", "gateway"] as const).map(
    (key) =>
      new gcp.serviceaccount.IAMMember(`${key}-act-as-self`, {
        serviceAccountId: accounts[key].name,
        role: "roles/iam.serviceAccountUser",
        member: memberOf(accounts[key]),
      }),
  );
  return { firestoreUsers, authRole, authManager, taskInvokerUser, selfUsers };
}

/**
 * The provisioner role, once per cell project. It is project-wide because instance services and
 * their accounts do not exist until runtime, which is why cells belong in projects of their own.
 */
export function buildProvisionerAccess(cellProjects: string[], accounts: ServiceAccounts) {
  return [...new Set(cellProjects)].map((project) => {
    const role = new gcp.projects.IAMCustomRole(`provisioner-role-${project}`, {
      project,
      roleId: "wsapiInstanceProvisioner",
      title: "WSAPI instance provisioner",
      description: "Create, update and delete per-instance Cloud Run services and service accounts.",
      permissions: [...PROVISIONER_PERMISSIONS],
    });
    const binding = new gcp.projects.IAMMember(`provisioner-${project}`, {
      project,
      role: role.name,
      member: memberOf(accounts.functions),
    });
    return { project, role, binding };
  });
}
