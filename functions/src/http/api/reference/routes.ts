import type { Hono } from "hono";
import { buildOpenApi } from "../openapi.js";
import { REFERENCE_CSS, REFERENCE_HTML, REFERENCE_JS } from "./page.js";

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** `/openapi.json` (OpenAPI 3.1 from the zod schemas) and the interactive reference at `/reference`. */
export function registerReference(app: Hono) {
  // Relative server URL: resolves against wherever the document was fetched (emulator or edge).
  const document = JSON.stringify(buildOpenApi("."));
  const asset = (type: string, body: string) => () =>
    new Response(body, {
      headers: {
        "content-type": type,
        "content-security-policy": PAGE_CSP,
        "cache-control": "public, max-age=300",
      },
    });
  app.get("/openapi.json", asset("application/json", document));
  app.get("/reference", asset("text/html; charset=utf-8", REFERENCE_HTML));
  app.get("/reference.js", asset("text/javascript; charset=utf-8", REFERENCE_JS));
  app.get("/reference.css", asset("text/css; charset=utf-8", REFERENCE_CSS));
}
