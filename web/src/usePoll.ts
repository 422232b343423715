import { useCallback, useEffect, useRef, useState } from "react";

export interface Poll<T> {
  data: T | undefined;
  error: unknown;
  /** When the last check finished, failed or not. */
  checkedAt: Date | undefined;
  refresh: () => void;
}

// Loads now and again every `everyMs` while the tab is visible (a hidden tab waits and checks as
// soon as it is shown again). Keeps the last good data when a check fails, and says so via `error`.
export function usePoll<T>(load: () => Promise<T>, everyMs: number, key: string): Poll<T> {
  const [state, setState] = useState<Omit<Poll<T>, "refresh">>({
    data: undefined,
    error: undefined,
    checkedAt: undefined,
  });
  const [round, setRound] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key or refresh() restarts the polling.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      clearTimeout(timer);
      if (document.visibilityState === "visible") {
        try {
          const data = await loadRef.current();
          if (!stopped) setState({ data, error: undefined, checkedAt: new Date() });
        } catch (error) {
          if (!stopped) setState((previous) => ({ ...previous, error, checkedAt: new Date() }));
        }
      }
      if (!stopped) timer = setTimeout(check, everyMs);
    };
    const onVisible = () => {
      if (document.visibilityState === "visible") void check();
    };
    document.addEventListener("visibilitychange", onVisible);
    void check();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [everyMs, key, round]);

  const refresh = useCallback(() => setRound((value) => value + 1), []);
  return { ...state, refresh };
}
