// Makes functions/lib deployable on its own. `firebase deploy` uploads only functions/ and Cloud Build
// installs functions/package.json's dependencies there, where the @wsapi/contracts workspace does not
// exist; so after tsc, this copies the package's compiled files into functions/lib/vendor/contracts
// and points every `@wsapi/contracts/<name>` import in functions/lib at that copy. It runs in every
// build (root `npm run build`, and functions' `build`, which is firebase.json's predeploy), so the
// emulators run exactly what deploys; functions/test/deployManifest.test.ts checks the result.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const contracts = join(root, "packages/contracts");
const lib = join(root, "functions/lib");
const vendor = join(lib, "vendor/contracts");
const { exports } = JSON.parse(readFileSync(join(contracts, "package.json"), "utf8"));

rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
for (const name of readdirSync(join(contracts, "dist"))) {
  if (name.endsWith(".js")) cpSync(join(contracts, "dist", name), join(vendor, name));
}

function vendoredPath(fromDir, subpath) {
  const target = exports[`./${subpath}`]?.default;
  if (!target) throw new Error(`@wsapi/contracts does not export ./${subpath}`);
  const path = relative(fromDir, join(vendor, target.replace(/^\.\/dist\//, "")));
  return path.startsWith(".") ? path : `./${path}`;
}

function rewrite(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && path !== vendor) rewrite(path);
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const code = readFileSync(path, "utf8");
    const vendored = code.replace(/(["'])@wsapi\/contracts\/([\w-]+)\1/g, (_match, quote, subpath) => {
      return `${quote}${vendoredPath(dirname(path), subpath)}${quote}`;
    });
    if (vendored !== code) writeFileSync(path, vendored);
  }
}

rewrite(lib);
