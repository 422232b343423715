import { type Stack, startStack } from "./stack/stack.js";

// `npm start`: the whole local stack in the foreground; Ctrl-C stops every process it started.
function quickstart(stack: Stack): string {
  const { urls } = stack;
  return [
    "",
    "WSAPI local stack is up (URLs also in .wsapi/stack.json):",
    ...Object.entries(urls).map(([name, url]) => `  ${name.padEnd(10)} ${url}`),
    "",
    "Quickstart:",
    `  curl -s -X POST ${urls.dashboard}/v1/signup -H 'content-type: application/json' \\`,
    `       -d '{"email":"dev@example.com","password":"Correct_Horse_9_Battery"}'`,
    `  # then sign in with the Firebase Auth SDK against the auth emulator (${urls.auth}) and`,
    `  # exchange the ID token: curl -i -X POST ${urls.dashboard}/v1/session -d '{"idToken":"…"}'`,
    `  curl -s ${urls.gateway}/account/instances -H 'X-Api-Key: wsk_…'`,
    "",
    "Press Ctrl-C to stop everything.",
  ].join("\n");
}

const stack = await startStack({ echo: true });
console.log(quickstart(stack));

// Ctrl-C: the stack stops every process it started (see startStack) and exits.
