import { getApps, initializeApp } from "firebase-admin/app";
import { getFunctions } from "firebase-admin/functions";

// Local stand-in for Cloud Scheduler: asks the provisioning queue to reconcile instances every
// few seconds, so a crashed instance process is restarted the way the scheduled job does it.
export function startReconcileSchedule(options: {
  projectId: string;
  region: string;
  tasksHost: string;
  everyMs: number;
}) {
  process.env.CLOUD_TASKS_EMULATOR_HOST = options.tasksHost;
  const app =
    getApps().find((candidate) => candidate.name === "scheduler") ??
    initializeApp({ projectId: options.projectId }, "scheduler");
  const queue = getFunctions(app).taskQueue(`locations/${options.region}/functions/provisioninstance`);
  const timer = setInterval(() => {
    queue.enqueue({ action: "reconcile" }).catch(() => {});
  }, options.everyMs);
  return { stop: () => clearInterval(timer) };
}
