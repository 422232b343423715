/**
 * Delay before retry number `attempt` (1 for the first retry): `minMs` doubling per attempt up to
 * `maxMs`, then 50–100 % of that at random so many instances retrying at once spread out.
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number): number {
  const delay = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 16));
  return Math.round(delay * (0.5 + Math.random() * 0.5));
}
