import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

// Debian packages the local tools run (redis-server for the stack, nginx for the bench): installed
// with apt-get when missing, as .ci/run installs what the tests need.

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** The command to run (`/usr/sbin/…` when that is not on PATH), after installing its package if missing. */
export function ensureDebianCommand(command: string, debianPackage: string): string {
  const sbin = `/usr/sbin/${command}`;
  const find = () => (onPath(command) ? command : existsSync(sbin) ? sbin : undefined);
  const found = find();
  if (found) return found;
  const install = `apt-get install -y ${debianPackage}`;
  if (!onPath("apt-get")) {
    throw new Error(`${command} is not installed and apt-get is unavailable: install ${debianPackage}`);
  }
  const root = process.getuid?.() === 0;
  if (!root && !onPath("sudo")) throw new Error(`${command} is not installed: run \`sudo ${install}\``);
  console.log(`[wsapi] installing ${debianPackage} (apt-get)…`);
  const sudo = root ? [] : ["sudo"];
  const run = (args: string[]) =>
    execFileSync(sudo[0] ?? args[0]!, sudo.length ? args : args.slice(1), {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  run(["apt-get", "update"]);
  run(["apt-get", "install", "-y", "--no-install-recommends", debianPackage]);
  const installed = find();
  if (!installed) throw new Error(`${command} is still missing after installing ${debianPackage}`);
  return installed;
}
