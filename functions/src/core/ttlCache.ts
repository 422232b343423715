import type { Clock } from "./ports/clock.js";

/** A bounded map whose entries expire: key verification (hits and misses), instances, secrets. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  // Bumped by every delete: a load that started before one does not cache its (possibly stale) result.
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: Clock,
  ) {}

  get(key: string): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: entry.value };
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.clock.now() + this.ttlMs });
  }

  /**
   * The cached value, or `load()`'s, which is then cached (a failed load caches nothing). A load that
   * was in flight while any key was deleted returns its value uncached: it may predate the deletion.
   */
  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.get(key);
    if (cached) return cached.value;
    const started = this.generation;
    const value = await load();
    if (this.generation === started) this.set(key, value);
    return value;
  }

  /** The current generation, for callers that load and `setIfCurrent` themselves. */
  currentGeneration(): number {
    return this.generation;
  }

  /** Caches `value` only if nothing was deleted since `generation` was read. */
  setIfCurrent(key: string, value: V, generation: number): boolean {
    if (generation !== this.generation) return false;
    this.set(key, value);
    return true;
  }

  delete(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }
}
