// The interactive API reference: a static page and a small script of our own (no third-party
// code, no inline script), rendering /openapi.json with a "try it" form per operation.
export const REFERENCE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WSAPI API reference</title>
<link rel="stylesheet" href="reference.css">
</head>
<body>
<header>
  <h1>WSAPI API reference</h1>
  <p>Generated from the gateway's own validation schemas. <a href="openapi.json">openapi.json</a></p>
  <form id="credentials">
    <label>X-Api-Key <input id="api-key" autocomplete="off" spellcheck="false"></label>
    <label>X-Instance-Id <input id="instance-id" autocomplete="off" spellcheck="false"></label>
  </form>
</header>
<main id="operations" aria-live="polite">Loading…</main>
<script src="reference.js"></script>
</body>
</html>`;

export const REFERENCE_CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1f24}
details{border:1px solid #d0d7de;border-radius:6px;margin:.4rem 0;padding:.4rem .7rem}
summary{cursor:pointer}code.method{display:inline-block;min-width:4.5rem;font-weight:700}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;max-height:20rem}
label{display:inline-block;margin:.3rem 1rem .3rem 0}textarea{width:100%;min-height:6rem;font-family:monospace}
button{margin:.4rem 0}h2{margin-top:1.5rem;text-transform:capitalize}`;

export const REFERENCE_JS = `"use strict";
const base = new URL(".", location.href);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
};
async function send(method, path, form, result) {
  let url = path.replace(/\\{(\\w+)\\}/g, (_, name) => encodeURIComponent(form.elements[name]?.value ?? ""));
  const headers = { "x-api-key": document.getElementById("api-key").value };
  const instanceId = document.getElementById("instance-id").value;
  if (instanceId) headers["x-instance-id"] = instanceId;
  const body = form.elements.body?.value;
  if (body) headers["content-type"] = "application/json";
  const response = await fetch(new URL(url.replace(/^\\//, ""), base), { method: method.toUpperCase(), headers, body: body || undefined });
  const type = response.headers.get("content-type") ?? "";
  const text = type.includes("json") ? JSON.stringify(await response.json(), null, 2) : \`(\${type || "no body"})\`;
  result.textContent = \`\${response.status}\\n\${text}\`;
}
function operationView(method, path, op) {
  const form = el("form");
  for (const p of op.parameters ?? []) {
    if (p.in === "path") form.append(el("label", {}, \`\${p.name} \`, el("input", { name: p.name, required: true })));
  }
  const schema = op.requestBody?.content?.["application/json"]?.schema;
  if (schema) {
    form.append(el("details", {}, el("summary", { textContent: "Request body schema" }), el("pre", { textContent: JSON.stringify(schema, null, 2) })));
    form.append(el("label", { textContent: "Body (JSON)" }), el("textarea", { name: "body" }));
  }
  const result = el("pre", { textContent: "" });
  form.append(el("button", { type: "submit", textContent: "Send" }), result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(method, path, form, result).catch((error) => (result.textContent = String(error)));
  });
  const summary = el("summary", {}, el("code", { className: "method", textContent: method.toUpperCase() }), el("code", { textContent: path }));
  return el("details", {}, summary, form);
}
fetch(new URL("openapi.json", base)).then((r) => r.json()).then((spec) => {
  const main = document.getElementById("operations");
  main.textContent = "";
  const groups = new Map();
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? "other";
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push(operationView(method, path, op));
    }
  }
  for (const [tag, views] of groups) main.append(el("h2", { textContent: tag }), ...views);
});
`;
