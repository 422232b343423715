import { readFileSync } from "node:fs";
import { z } from "zod";

// The one deployment configuration: region, identities, ingress, VPC egress and task queues of every
// function. The triggers read it (firebase deploy builds its manifest from them) and so does the
// Pulumi program in infra/, which grants exactly these identities what they use; a test ties both.
const identity = z.enum(["gateway", "controlPlane", "provisioner"]);
export type Identity = z.infer<typeof identity>;

const deploymentSchema = z
  .object({
    region: z.string().regex(/^[a-z]+-[a-z]+\d$/),
    network: z.string().min(1),
    subnetwork: z.string().min(1),
    /** Account ids (6–30 characters) in the control-plane project. */
    serviceAccounts: z.record(identity, z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/)),
    /** Identities that may call instance services (Cloud Run invoker on each one). */
    instanceInvokers: z.array(identity).min(1),
    functions: z.record(
      z.string().regex(/^[a-z][a-z0-9]*$/),
      z.object({
        identity,
        ingress: z.enum(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"]),
        /** Direct VPC egress, all traffic: needed to reach internal-only instances and for static NAT IPs. */
        vpcEgress: z.boolean(),
      }),
    ),
    taskQueues: z.record(
      z.string(),
      z.object({
        enqueuers: z.array(identity).min(1),
        retry: z.object({
          maxAttempts: z.number().int().positive(),
          maxRetrySeconds: z.number().int().positive().optional(),
          minBackoffSeconds: z.number().int().nonnegative(),
          maxBackoffSeconds: z.number().int().positive(),
        }),
        rateLimits: z.object({
          maxConcurrentDispatches: z.number().int().positive(),
          maxDispatchesPerSecond: z.number().positive().optional(),
        }),
      }),
    ),
  })
  .superRefine((config, context) => {
    for (const name of Object.keys(config.taskQueues)) {
      if (!config.functions[name])
        context.addIssue({ code: "custom", message: `queue ${name} has no function` });
    }
  });

export type Deployment = z.infer<typeof deploymentSchema>;

export const deployment: Deployment = deploymentSchema.parse(
  JSON.parse(readFileSync(new URL("../deployment.json", import.meta.url), "utf8")),
);

/** `name@`: firebase-tools completes it with the project being deployed to. */
function serviceAccountRef(who: Identity): string {
  return `${deployment.serviceAccounts[who]}@`;
}

export function serviceAccountEmail(who: Identity, projectId: string): string {
  return `${deployment.serviceAccounts[who]}@${projectId}.iam.gserviceaccount.com`;
}

/** The firebase-functions options that place and isolate one function, as deployment.json says. */
export function placement(functionName: string) {
  const spec = deployment.functions[functionName];
  if (!spec) throw new Error(`deployment.json has no function ${functionName}`);
  return {
    region: deployment.region,
    serviceAccount: serviceAccountRef(spec.identity),
    ingressSettings: spec.ingress,
    ...(spec.vpcEgress
      ? {
          networkInterface: { network: deployment.network, subnetwork: deployment.subnetwork },
          vpcEgress: "ALL_TRAFFIC" as const,
        }
      : {}),
  };
}

/** Fully qualified queue name for firebase-admin, so enqueues reach the deployed region. */
export function queueName(functionName: string): string {
  if (!deployment.taskQueues[functionName]) throw new Error(`deployment.json has no queue ${functionName}`);
  return `locations/${deployment.region}/functions/${functionName}`;
}

/** onTaskDispatched options: retries, rate limits and the only identities allowed to enqueue. */
export function taskQueueOptions(functionName: string) {
  const queue = deployment.taskQueues[functionName]!;
  if (!queue) throw new Error(`deployment.json has no queue ${functionName}`);
  return {
    retryConfig: { ...queue.retry },
    rateLimits: { ...queue.rateLimits },
    invoker: queue.enqueuers.map(serviceAccountRef),
  };
}
