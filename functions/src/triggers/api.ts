import { onRequest } from "firebase-functions/v2/https";
import { placement } from "../deployment.js";
import { functionsHandler } from "../http/common/fromFunctions.js";
import { lazy, limitedSecrets, readConfig } from "./runtime.js";

const loadApi = lazy(async () => {
  const [{ buildApiDeps }, { createApiApp }] = await Promise.all([
    import("../composition/api.js"),
    import("../http/api/app.js"),
  ]);
  const app = createApiApp(await buildApiDeps(readConfig(limitedSecrets)));
  return (request: Request) => app.fetch(request);
});

// Reached only through the external HTTPS load balancer (ingress internal-and-cloud-load-balancing, see
// infra/), which is why its invoker stays public: a serverless NEG carries no identity of its own.
export const api = onRequest(
  { ...placement("api"), invoker: "public", secrets: limitedSecrets, cors: false, concurrency: 80 },
  functionsHandler(loadApi),
);
