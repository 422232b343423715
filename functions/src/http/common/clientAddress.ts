// The client address that per-address limits count (failed authentications, sign-ups).
//
// Google's external Application Load Balancer appends `<client>, <load balancer>` to whatever
// X-Forwarded-For the client sent, so behind it the client is the second entry from the right;
// every entry left of it is the client's own claim and is ignored. `trustedHops` is the number of
// entries our own infrastructure appends after the client's address:
// - `api` in production: 1 (the load balancer's own address follows the client's).
// - `dashboard` in production: 1 (Firebase Hosting's CDN forwards the client and Cloud Run's front end
//   appends the CDN's address; not verified against a deployment, see README "Known limits").
// - emulated: 0. The Functions emulator hands requests to its workers over a Unix socket and passes
//   X-Forwarded-For through untouched, so the right-most entry a local client sends is the address;
//   tests use it to act as distinct clients.
// No header at all (no proxy in front) counts as the single address "unknown".
export function clientAddress(headers: Headers, trustedHops: number): string {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (chain.length === 0) return "unknown";
  // Fewer entries than expected: the left-most one is the nearest thing to the client.
  const index = Math.max(0, chain.length - 1 - trustedHops);
  return chain[index]!.slice(0, 64);
}
