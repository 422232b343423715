import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { type Deployment, enqueuersOf, IDENTITIES, type Identity, type InfraConfig } from "./config.ts";
import type { SecretKey } from "./secrets.ts";

/** One account per identity of functions/deployment.json, with the id it names. */
export type ServiceAccounts = Record<Identity, gcp.serviceaccount.Account>;

/** What a function calls, besides Firestore and logs (which every function uses). */
export interface FunctionNeeds {
  /** The secrets its trigger declares (`secrets:` in functions/src/triggers/*.ts). */
  secrets: readonly SecretKey[];
  /** Firebase Auth admin calls: create users, session cookies, revoke refresh tokens. */
  authAdmin: boolean;
  /** Builds the Cloud Run runtime: creates, lists, updates and deletes instance services in cells. */
  provisions: boolean;
  /**
   * Triggered by Eventarc (a Firebase Auth event): its identity is the trigger's, which must receive
   * events and invoke this one function's Cloud Run service.
   */
  receivesEvents: boolean;
}

// runtime.ts: `accountSecrets` = data keys + pepper; `gatewaySecrets` adds the gateway signing key
// (to sign instance tokens, or, in the provisioner, to hand instances its public half).
const ACCOUNT_SECRETS: readonly SecretKey[] = ["dataKeys", "apiKeyPepper"];
const GATEWAY_SECRETS: readonly SecretKey[] = [...ACCOUNT_SECRETS, "gatewaySigningKey"];
// `limitedSecrets`: api and dashboard also hold Memorystore's AUTH string for the shared rate limits.
const LIMITED_SECRETS: readonly SecretKey[] = [...GATEWAY_SECRETS, "redisAuth"];
const uses = (secrets: readonly SecretKey[], more: Partial<FunctionNeeds> = {}): FunctionNeeds => ({
  secrets,
  authAdmin: false,
  provisions: false,
  receivesEvents: false,
  ...more,
});

/**
 * Every function of deployment.json and what it uses. Grants follow from this table and from which
 * identity runs which function, so moving a function to another identity moves its grants too.
 */
export const FUNCTION_NEEDS: Record<string, FunctionNeeds> = {
  api: uses(LIMITED_SECRETS),
  dashboard: uses(LIMITED_SECRETS, { authAdmin: true }),
  events: uses(ACCOUNT_SECRETS),
  deliverwebhook: uses(ACCOUNT_SECRETS),
  beforecreated: uses(ACCOUNT_SECRETS),
  beforesignedin: uses(ACCOUNT_SECRETS),
  accountdeleted: uses(GATEWAY_SECRETS, { authAdmin: true, receivesEvents: true }),
  reencryptsecrets: uses(ACCOUNT_SECRETS),
  provisioninstance: uses(GATEWAY_SECRETS, { provisions: true }),
  reconcileinstances: uses(GATEWAY_SECRETS, { provisions: true }),
};

/** Refuses a deployment.json whose functions this program does not know what to grant for. */
export function checkFunctionNeeds(deployment: Deployment): void {
  const deployed = Object.keys(deployment.functions).sort();
  const known = Object.keys(FUNCTION_NEEDS).sort();
  if (deployed.join() !== known.join()) {
    throw new Error(
      `functions/deployment.json lists [${deployed}] but infra/src/iam.ts FUNCTION_NEEDS knows [${known}]`,
    );
  }
}

/** The identities running at least one function for which `needs` holds, in IDENTITIES order. */
export function identitiesWhere(deployment: Deployment, needs: (uses: FunctionNeeds) => boolean): Identity[] {
  const running = Object.entries(deployment.functions)
    .filter(([name]) => needs(FUNCTION_NEEDS[name]!))
    .map(([, spec]) => spec.identity);
  return IDENTITIES.filter((who) => running.includes(who));
}

/**
 * What the provisioner (functions/src/adapters/cloudRunRuntime.ts) needs in a cell project: per
 * instance one Cloud Run service, one service account and one runtime secret. setIamPolicy covers
 * services and secrets only: instance invokers on the service, instance account on its secret.
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

/**
 * Dashboard sign-up (server-side, under its password check), `__session` cookies, sign-out revocation,
 * and account deletion (`DELETE /v1/account` and the `accountdeleted` job delete the Auth user last).
 */
export const AUTH_MANAGER_PERMISSIONS = [
  "firebaseauth.users.create",
  "firebaseauth.users.get",
  "firebaseauth.users.update",
  "firebaseauth.users.delete",
  "firebaseauth.users.createSession",
] as const;

/**
 * Project-level roles every identity that runs a function holds in the control-plane project.
 * Firestore has no per-collection IAM; the logging and metric writers replace what the default
 * compute account used to provide, and can only write. The Telemetry API, where the functions
 * export their metrics (and relay the instances'), is a consumer API: its caller must be allowed to
 * use the project's quota (serviceusage.services.use).
 */
export const RUNTIME_PROJECT_ROLES = [
  "roles/datastore.user",
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/serviceusage.serviceUsageConsumer",
] as const;

export function memberOf(account: gcp.serviceaccount.Account): pulumi.Output<string> {
  return pulumi.interpolate`serviceAccount:${account.email}`;
}

const DISPLAY_NAMES: Record<Identity, string> = {
  gateway: "WSAPI API gateway",
  controlPlane: "WSAPI control plane",
  provisioner: "WSAPI instance provisioner",
};

export function buildServiceAccounts(config: InfraConfig): ServiceAccounts {
  const { deployment } = config;
  checkFunctionNeeds(deployment);
  const runs = (who: Identity) =>
    Object.entries(deployment.functions)
      .filter(([, spec]) => spec.identity === who)
      .map(([name]) => name);
  return Object.fromEntries(
    IDENTITIES.map((who) => {
      const accountId = deployment.serviceAccounts[who];
      const account = new gcp.serviceaccount.Account(accountId, {
        project: config.project,
        accountId,
        displayName: DISPLAY_NAMES[who],
        description: `Runs ${runs(who).join(", ") || "no function"} (functions/deployment.json)`,
      });
      return [who, account];
    }),
  ) as ServiceAccounts;
}

const roleSlug = (role: string) => role.replace(/^roles\//, "").replace(/\W/g, "-");

/** Grants in the control-plane project that have no narrower resource to attach to. */
export function buildControlPlaneIam(config: InfraConfig, accounts: ServiceAccounts) {
  const { deployment } = config;
  const runtimes = identitiesWhere(deployment, () => true);
  const runtimeRoles = runtimes.flatMap((who) =>
    RUNTIME_PROJECT_ROLES.map(
      (role) =>
        new gcp.projects.IAMMember(`${deployment.serviceAccounts[who]}-${roleSlug(role)}`, {
          project: config.project,
          role,
          member: memberOf(accounts[who]),
        }),
    ),
  );
  const authRole = new gcp.projects.IAMCustomRole("auth-manager", {
    project: config.project,
    roleId: "wsapiAuthManager",
    title: "WSAPI dashboard accounts and sessions",
    description: "Create and delete users, session cookies, revoke refresh tokens; no Auth configuration.",
    permissions: [...AUTH_MANAGER_PERMISSIONS],
  });
  const authManagers = identitiesWhere(deployment, (uses) => uses.authAdmin).map(
    (who) =>
      new gcp.projects.IAMMember(`${deployment.serviceAccounts[who]}-auth-manager`, {
        project: config.project,
        role: authRole.name,
        member: memberOf(accounts[who]),
      }),
  );
  // Eventarc delivers Auth events as the function's identity: it receives events (project-wide, no
  // narrower resource) and invokes that function's service only (IAM condition on the service name).
  const eventReceivers = Object.entries(deployment.functions)
    .filter(([name]) => FUNCTION_NEEDS[name]!.receivesEvents)
    .flatMap(([name, spec]) => {
      const who = spec.identity;
      const member = memberOf(accounts[who]);
      const prefix = `${deployment.serviceAccounts[who]}-${name}`;
      return [
        new gcp.projects.IAMMember(`${prefix}-event-receiver`, {
          project: config.project,
          role: "roles/eventarc.eventReceiver",
          member,
        }),
        new gcp.projects.IAMMember(`${prefix}-invoker`, {
          project: config.project,
          role: "roles/run.invoker",
          member,
          condition: {
            title: `invoke ${name} only`,
            expression: `resource.name == "projects/${config.project}/locations/${deployment.region}/services/${name}"`,
          },
        }),
      ];
    });
  // firebase-admin's taskQueue().enqueue() puts an OIDC token of the enqueuing function's own account
  // on each task, and Cloud Tasks checks actAs even on oneself. The queues, their enqueuer grants and
  // the invoker on each task function are created by `firebase deploy` from the trigger options.
  const selfUsers = enqueuersOf(deployment).map(
    (who) =>
      new gcp.serviceaccount.IAMMember(`${deployment.serviceAccounts[who]}-act-as-self`, {
        serviceAccountId: accounts[who].name,
        role: "roles/iam.serviceAccountUser",
        member: memberOf(accounts[who]),
      }),
  );
  return { runtimeRoles, authRole, authManagers, eventReceivers, selfUsers };
}

/** The identities that create instance services: bound to the provisioner role and the cell subnets. */
export function provisioners(deployment: Deployment): Identity[] {
  return identitiesWhere(deployment, (uses) => uses.provisions);
}

/**
 * The provisioner role, once per cell project. It is project-wide because instance services and
 * their accounts do not exist until runtime, which is why cells belong in projects of their own.
 */
export function buildProvisionerAccess(config: InfraConfig, accounts: ServiceAccounts) {
  const who = provisioners(config.deployment);
  return [...new Set(config.cells.map((cell) => cell.project))].map((project) => {
    const role = new gcp.projects.IAMCustomRole(`provisioner-role-${project}`, {
      project,
      roleId: "wsapiInstanceProvisioner",
      title: "WSAPI instance provisioner",
      description: "Create, update and delete per-instance Cloud Run services and service accounts.",
      permissions: [...PROVISIONER_PERMISSIONS],
    });
    const bindings = who.map(
      (identity) =>
        new gcp.projects.IAMMember(`provisioner-${project}-${config.deployment.serviceAccounts[identity]}`, {
          project,
          role: role.name,
          member: memberOf(accounts[identity]),
        }),
    );
    return { project, role, bindings };
  });
}
