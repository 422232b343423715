import { onRequest } from "firebase-functions/v2/https";
import { functionsHandler } from "../http/common/fromFunctions.js";
import { gatewaySecrets, lazy, runtimeConfig } from "./runtime.js";

const loadDashboard = lazy(async () => {
  const [{ buildDashboardDeps }, { createDashboardApp }] = await Promise.all([
    import("../composition.js"),
    import("../http/dashboard/app.js"),
  ]);
  const app = createDashboardApp(await buildDashboardDeps(await runtimeConfig()));
  return (request: Request) => app.fetch(request);
});

export const dashboard = onRequest({ secrets: gatewaySecrets, cors: false }, functionsHandler(loadDashboard));
