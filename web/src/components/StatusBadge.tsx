// The instance status word (functions/src/core/instances.ts instanceStatus) in plain words.
const LABELS: Record<string, { text: string; tone: "ok" | "wait" | "bad" }> = {
  connected: { text: "Connected", tone: "ok" },
  unpaired: { text: "Waiting for pairing", tone: "wait" },
  provisioning: { text: "Setting up", tone: "wait" },
  starting: { text: "Starting", tone: "wait" },
  running: { text: "Running", tone: "wait" },
  crashed: { text: "Crashed, restarting", tone: "bad" },
  stopped: { text: "Stopped", tone: "bad" },
  missing: { text: "Missing, being repaired", tone: "bad" },
  deleting: { text: "Deleting", tone: "wait" },
};

export function StatusBadge(props: { status: string }) {
  const label = LABELS[props.status] ?? { text: props.status, tone: "wait" as const };
  return <span className={`status status-${label.tone}`}>{label.text}</span>;
}

export function CheckedAt(props: { checkedAt: Date | undefined; error: unknown }) {
  if (!props.checkedAt) return <span className="muted">Checking…</span>;
  const time = props.checkedAt.toLocaleTimeString();
  // Honest about staleness: a failed check says so instead of showing old status as current.
  return props.error ? (
    <span className="error-inline">Last check failed at {time}; the status shown may be out of date.</span>
  ) : (
    <span className="muted">Checked at {time}, every few seconds.</span>
  );
}
