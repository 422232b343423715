import type { FirebaseOptions } from "firebase/app";

// The web config is Firebase Hosting's reserved /__/firebase/init.json: the deployed project's
// public config in production, the emulator's demo project locally. Nothing is baked per environment.
export interface DashboardConfig {
  firebase: FirebaseOptions;
  /** Base URL of the Auth emulator, or null against real Firebase Authentication. */
  authEmulatorUrl: string | null;
}

export async function loadConfig(): Promise<DashboardConfig> {
  const response = await fetch("/__/firebase/init.json", { credentials: "omit" });
  if (!response.ok) throw new Error(`Could not load the Firebase config (HTTP ${response.status}).`);
  const firebase = (await response.json()) as FirebaseOptions;
  // Project ids starting with demo- exist only inside the Emulator Suite, never in production.
  const local = firebase.projectId?.startsWith("demo-") ?? false;
  return { firebase, authEmulatorUrl: local ? `http://${__AUTH_EMULATOR_HOST__}` : null };
}
