import { readFileSync } from "node:fs";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The Auth emulator's address comes from firebase.json, the one place the local stack's ports live.
const firebaseJson = JSON.parse(readFileSync(new URL("../firebase.json", import.meta.url), "utf8"));
const authEmulator = `${firebaseJson.emulators.auth.host}:${firebaseJson.emulators.auth.port}`;
const hostingEmulator = `http://${firebaseJson.emulators.hosting.host}:${firebaseJson.emulators.hosting.port}`;

export default defineConfig({
  plugins: [react()],
  define: { __AUTH_EMULATOR_HOST__: JSON.stringify(authEmulator) },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The CSP allows no inline script, so no inline polyfill either (every target browser has it).
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  // `npm run dev -w web`: the API, the reserved /__/ URLs and the cookie come from the Hosting emulator.
  server: { proxy: { "/v1": hostingEmulator, "/__": hostingEmulator } },
});
