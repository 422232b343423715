// Operator metrics (names and labels in @wsapi/contracts/metrics). Core code records through this
// port; adapters/metrics.ts implements it with OpenTelemetry. No tenant data beyond instance and
// account ids ever becomes a label.
export interface Metrics {
  /** One HTTP request of this function: its route template (never the raw path), method and status. */
  request(route: string, method: string, status: number, seconds: number): void;
  /** A call refused by a limit: the problem code says which (RATE_LIMITED, NEW_CONTACT_LIMIT, …). */
  rateLimited(code: string, route: string): void;
  /** One webhook attempt; `lagSeconds` (event received → delivered) when it delivered. */
  webhookAttempt(outcome: string, lagSeconds?: number): void;
  eventsIngested(count: number): void;
}

export const noMetrics: Metrics = {
  request() {},
  rateLimited() {},
  webhookAttempt() {},
  eventsIngested() {},
};
