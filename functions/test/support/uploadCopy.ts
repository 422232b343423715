// What `firebase deploy` uploads for the functions codebase, copied to a directory outside the
// monorepo: firebase-tools' own file walk with firebase.json's ignore list, then a node_modules
// holding only the dependencies functions/package.json declares (all Cloud Build installs).
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

const require = createRequire(import.meta.url);
const { readdirRecursive } = require("firebase-tools/lib/fsAsync.js") as {
  readdirRecursive(options: { path: string; ignoreStrings: string[] }): Promise<Array<{ name: string }>>;
};

/** Copies the upload of `functionsDir` into `into`; answers the uploaded paths, relative. */
export async function copyUpload(functionsDir: string, into: string): Promise<string[]> {
  const firebase = JSON.parse(readFileSync(join(functionsDir, "../firebase.json"), "utf8"));
  const ignore: string[] = [...firebase.functions[0].ignore, "firebase-debug.log", "firebase-debug.*.log"];
  const files = (await readdirRecursive({ path: functionsDir, ignoreStrings: ignore })).map((file) =>
    relative(functionsDir, file.name),
  );
  for (const file of files) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(join(functionsDir, file), join(into, file));
  }
  const { dependencies } = JSON.parse(readFileSync(join(into, "package.json"), "utf8"));
  for (const name of Object.keys(dependencies)) {
    const own = join(functionsDir, "node_modules", name);
    const installed = existsSync(own) ? own : join(functionsDir, "../node_modules", name);
    mkdirSync(dirname(join(into, "node_modules", name)), { recursive: true });
    symlinkSync(installed, join(into, "node_modules", name), "dir");
  }
  return files;
}
