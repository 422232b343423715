// Bounds every call on a store. With Firestore unreachable the SDK keeps retrying for about 45 s
// (reads) and up to 10 minutes (commits), far past any HTTP caller's patience; after `ms` the call
// fails with gRPC DEADLINE_EXCEEDED instead, which the HTTP layer answers as 503 + Retry-After.
// The abandoned call may still finish in the background, as a timed-out request may anywhere.
export class StoreDeadlineExceeded extends Error {
  /** gRPC DEADLINE_EXCEEDED: transient, so callers retry. */
  readonly code = 4;
  constructor(method: string, ms: number) {
    super(`store call ${method} did not finish within ${ms} ms`);
    this.name = "StoreDeadlineExceeded";
  }
}

function within<T>(work: Promise<T>, ms: number, method: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreDeadlineExceeded(method, ms)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The same store, each of whose asynchronous methods fails after `ms`. */
export function withDeadline<T extends object>(store: T, ms: number): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        return result instanceof Promise ? within(result, ms, String(property)) : result;
      };
    },
  });
}
