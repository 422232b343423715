import { onRequest } from "firebase-functions/v2/https";
import { functionsHandler } from "../http/common/fromFunctions.js";
import { gatewaySecrets, lazy, runtimeConfig } from "./runtime.js";

const loadApi = lazy(async () => {
  const [{ buildApiDeps }, { createApiApp }] = await Promise.all([
    import("../composition.js"),
    import("../http/api/app.js"),
  ]);
  const app = createApiApp(await buildApiDeps(await runtimeConfig()));
  return (request: Request) => app.fetch(request);
});

// Production puts the external HTTPS load balancer in front (ingress internal-and-cloud-load-balancing, see infra/).
export const api = onRequest(
  { secrets: gatewaySecrets, cors: false, concurrency: 80 },
  functionsHandler(loadApi),
);
