import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CheckedAt } from "../components/StatusBadge";
import { useSession } from "../session";
import type { InstanceStats } from "../types";
import { usePoll } from "../usePoll";

// The instance's hourly numbers (GET /v1/instances/{id}/stats): two bar charts for sighted mouse
// users, the same numbers as a summary list and an hourly table for everyone else. The charts are
// one labelled image each; nothing in them takes focus.
const POLL_MS = 15_000;
type Range = InstanceStats["range"];
type Hour = InstanceStats["hours"][number];

const RANGES: Array<{ range: Range; label: string }> = [
  { range: "24h", label: "Last 24 hours" },
  { range: "7d", label: "Last 7 days" },
];

const COLORS = { in: "#0b5cad", out: "#a34d00", succeeded: "#17663a", failed: "#a4161a" };

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayHourLabel = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  hour: "2-digit",
  minute: "2-digit",
});
const count = new Intl.NumberFormat();

function formatMs(ms: number | null): string {
  if (ms === null) return "—";
  return ms < 1000
    ? `${count.format(ms)} ms`
    : `${(ms / 1000).toLocaleString(undefined, { maximumFractionDigits: 1 })} s`;
}

function formatRate(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toLocaleString(undefined, { maximumFractionDigits: 1 })} %`;
}

function HourlyChart(props: {
  title: string;
  description: string;
  rows: Array<Hour & { label: string }>;
  bars: Array<{ key: keyof Hour; name: string; color: string; stack?: string }>;
}) {
  return (
    <figure className="chart-figure">
      <figcaption>{props.title}</figcaption>
      <div className="chart" role="img" aria-label={props.description}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            data={props.rows}
            accessibilityLayer={false}
            margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" minTickGap={24} tick={{ fill: "#4a5360", fontSize: 12 }} />
            <YAxis allowDecimals={false} width={40} tick={{ fill: "#4a5360", fontSize: 12 }} />
            <Tooltip isAnimationActive={false} />
            <Legend />
            {props.bars.map((bar) => (
              <Bar
                key={bar.key}
                dataKey={bar.key}
                name={bar.name}
                fill={bar.color}
                isAnimationActive={false}
                {...(bar.stack ? { stackId: bar.stack } : {})}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function StatsPanel(props: { instanceId: string }) {
  const { api } = useSession();
  const [range, setRange] = useState<Range>("24h");
  // The table stays open (or closed) across a change of period, as the reader left it.
  const [tableOpen, setTableOpen] = useState(false);
  const base = `/v1/instances/${encodeURIComponent(props.instanceId)}`;
  const stats = usePoll(
    () => api.get<InstanceStats>(`${base}/stats?range=${range}`),
    POLL_MS,
    `${props.instanceId}:${range}`,
  );
  const data = stats.data?.range === range ? stats.data : undefined;
  const format = range === "24h" ? hourLabel : dayHourLabel;
  const rows = (data?.hours ?? []).map((hour) => ({ ...hour, label: format.format(new Date(hour.start)) }));
  const active = rows.filter(
    (row) => row.messagesIn + row.messagesOut + row.webhooksSucceeded + row.webhooksFailed > 0,
  );
  const period = RANGES.find((option) => option.range === range)!.label.toLowerCase();

  return (
    <section aria-labelledby="stats-heading" className="card">
      <h2 id="stats-heading">Messages and webhooks</h2>
      <fieldset className="period">
        <legend className="visually-hidden">Period</legend>
        {RANGES.map((option) => (
          <button
            key={option.range}
            type="button"
            aria-pressed={option.range === range}
            className={option.range === range ? "primary" : undefined}
            onClick={() => setRange(option.range)}
          >
            {option.label}
          </button>
        ))}
      </fieldset>
      <p>
        <CheckedAt checkedAt={stats.checkedAt} error={stats.error} />
      </p>
      {data ? (
        <>
          <dl className="facts">
            <dt>Messages in</dt>
            <dd>{count.format(data.totals.messagesIn)}</dd>
            <dt>Messages out</dt>
            <dd>{count.format(data.totals.messagesOut)}</dd>
            <dt>Webhooks delivered</dt>
            <dd>{count.format(data.totals.webhooksSucceeded)}</dd>
            <dt>Webhook attempts failed</dt>
            <dd>{count.format(data.totals.webhooksFailed)}</dd>
            <dt>Webhook success rate</dt>
            <dd>{formatRate(data.totals.webhookSuccessRate)}</dd>
            <dt>Delivery latency, median (p50)</dt>
            <dd>{formatMs(data.totals.latencyMs.p50)}</dd>
            <dt>Delivery latency, p95</dt>
            <dd>{formatMs(data.totals.latencyMs.p95)}</dd>
          </dl>
          <HourlyChart
            title={`Messages per hour, ${period}`}
            description={`Bar chart of messages in and out per hour, ${period}. The numbers are in the table below.`}
            rows={rows}
            bars={[
              { key: "messagesIn", name: "In", color: COLORS.in },
              { key: "messagesOut", name: "Out", color: COLORS.out },
            ]}
          />
          <HourlyChart
            title={`Webhook attempts per hour, ${period}`}
            description={`Stacked bar chart of webhook attempts delivered and failed per hour, ${period}. The numbers are in the table below.`}
            rows={rows}
            bars={[
              { key: "webhooksSucceeded", name: "Delivered", color: COLORS.succeeded, stack: "webhooks" },
              { key: "webhooksFailed", name: "Failed", color: COLORS.failed, stack: "webhooks" },
            ]}
          />
          <details open={tableOpen} onToggle={(event) => setTableOpen(event.currentTarget.open)}>
            <summary>Hourly numbers as a table</summary>
            {active.length === 0 ? (
              <p>No messages or webhook attempts in this period.</p>
            ) : (
              <table>
                <caption>Hours with activity, {period} (hours without any are left out)</caption>
                <thead>
                  <tr>
                    <th scope="col">Hour starting</th>
                    <th scope="col">Messages in</th>
                    <th scope="col">Messages out</th>
                    <th scope="col">Webhooks delivered</th>
                    <th scope="col">Webhook attempts failed</th>
                    <th scope="col">Latency p50</th>
                    <th scope="col">Latency p95</th>
                  </tr>
                </thead>
                <tbody>
                  {active.map((row) => (
                    <tr key={row.start}>
                      <th scope="row">{row.label}</th>
                      <td>{count.format(row.messagesIn)}</td>
                      <td>{count.format(row.messagesOut)}</td>
                      <td>{count.format(row.webhooksSucceeded)}</td>
                      <td>{count.format(row.webhooksFailed)}</td>
                      <td>{formatMs(row.latencyMs.p50)}</td>
                      <td>{formatMs(row.latencyMs.p95)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </details>
        </>
      ) : (
        <p role="status">Loading…</p>
      )}
    </section>
  );
}
