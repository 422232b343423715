import { onRequest } from "firebase-functions/v2/https";
import { placement } from "../deployment.js";
import { functionsHandler } from "../http/common/fromFunctions.js";
import { accountSecrets, lazy, readConfig } from "./runtime.js";

const loadEvents = lazy(async () => {
  const [{ buildEventsDeps }, { createEventsApp }] = await Promise.all([
    import("../composition/events.js"),
    import("../http/events/app.js"),
  ]);
  const app = createEventsApp(await buildEventsDeps(readConfig(accountSecrets)));
  return (request: Request) => app.fetch(request);
});

// Called only by instance services, from inside the VPC (internal ingress), each with its own token.
// Instance accounts are created per instance, so IAM cannot list them: the invoker stays public and
// the instance token is the authentication.
export const events = onRequest(
  { ...placement("events"), invoker: "public", secrets: accountSecrets, cors: false, concurrency: 80 },
  functionsHandler(loadEvents),
);
