// The one polling helper of every test, bench and the local stack: wait for a condition, never for a
// fixed time.
export interface WaitOptions<T> {
  /** What the value must satisfy; by default anything but undefined and false. */
  until?: (value: T) => boolean;
  timeoutMs?: number;
  intervalMs?: number;
}

const present = (value: unknown) => value !== undefined && value !== false;

/**
 * Probes until `until` passes and answers that value. A probe that throws counts as not yet. When
 * time runs out, throws naming `what`, with the last error or value.
 */
export async function waitFor<T>(
  probe: () => Promise<T> | T,
  what: string,
  { until = present, timeoutMs = 30_000, intervalMs = 100 }: WaitOptions<T> = {},
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  let last: { value: T } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (until(value)) return value as Exclude<T, undefined | false>;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const seen =
    last && "error" in last
      ? `last error: ${last.error instanceof Error ? last.error.message : String(last.error)}`
      : `last value: ${JSON.stringify(last?.value)?.slice(0, 500)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${seen})`);
}
