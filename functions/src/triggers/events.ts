import { onRequest } from "firebase-functions/v2/https";
import { functionsHandler } from "../http/common/fromFunctions.js";
import { accountSecrets, lazy, runtimeConfig } from "./runtime.js";

const loadEvents = lazy(async () => {
  const [{ buildEventsDeps }, { createEventsApp }] = await Promise.all([
    import("../composition.js"),
    import("../http/events/app.js"),
  ]);
  const app = createEventsApp(await buildEventsDeps(await runtimeConfig()));
  return (request: Request) => app.fetch(request);
});

// Called only by instance services (internal ingress in production), each with its own token.
export const events = onRequest(
  { secrets: accountSecrets, cors: false, concurrency: 80 },
  functionsHandler(loadEvents),
);
