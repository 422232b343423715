import { onRequest } from "firebase-functions/v2/https";
import { placement } from "../deployment.js";
import { functionsHandler } from "../http/common/fromFunctions.js";
import { lazy, limitedSecrets, readConfig } from "./runtime.js";

const loadDashboard = lazy(async () => {
  const [{ buildDashboardDeps }, { createDashboardApp }] = await Promise.all([
    import("../composition/dashboard.js"),
    import("../http/dashboard/app.js"),
  ]);
  const app = createDashboardApp(await buildDashboardDeps(readConfig(limitedSecrets)));
  return (request: Request) => app.fetch(request);
});

// Firebase Hosting rewrites reach a function only with ingress "all" and a public invoker; the session
// cookie and CSRF token are the dashboard's own authentication (residual risk: infra/README.md).
export const dashboard = onRequest(
  { ...placement("dashboard"), invoker: "public", secrets: limitedSecrets, cors: false },
  functionsHandler(loadDashboard),
);
