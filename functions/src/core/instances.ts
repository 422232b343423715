import { randomBytes } from "node:crypto";
import { EVENT_TYPES } from "@wsapi/contracts/events";
import { PACING_CLAIM, Pacing } from "@wsapi/contracts/pacing";
import { HISTORY_SYNC_CLAIM } from "@wsapi/contracts/tokens";
import { z } from "zod";
import { runtimeDetailView } from "./runtimeDetail.js";

// Instance domain: ids, settings and the views the account API returns.
export const INSTANCE_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
export const instanceIdSchema = z
  .string()
  .regex(INSTANCE_ID_PATTERN, "must match ^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$");

const webhookUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(2048)
  .nullable();
const eventFilters = z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).nullable();
const signingSecret = z.string().min(16).max(256).nullable();

export const createInstanceRequest = z
  .object({ id: instanceIdSchema.optional(), name: z.string().trim().min(1).max(256).optional() })
  .strict();

export const instanceNameRequest = z.object({ name: z.string().trim().min(1).max(256) }).strict();

export const instanceSettingsRequest = z
  .object({
    useCustomDefaults: z.boolean().optional(),
    pullMode: z.boolean().optional(),
    webhookUrl: webhookUrl.optional(),
    eventSigningSecret: signingSecret.optional(),
    historySync: z.boolean().optional(),
    eventFilters: eventFilters.optional(),
    webhookAuthHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, "must be a header name")
      .nullable()
      .optional(),
    webhookAuthValue: z.string().min(1).max(1024).nullable().optional(),
    /** Our extension: paced sending (@wsapi/contracts/pacing); null turns it off. */
    pacing: Pacing.nullable().optional(),
  })
  .strict();

export const instanceDefaultsRequest = z
  .object({
    defaultWebhookUrl: webhookUrl.optional(),
    defaultSigningSecret: signingSecret.optional(),
    defaultEventFilters: eventFilters.optional(),
    defaultHistorySync: z.boolean().optional(),
    defaultPullMode: z.boolean().optional(),
  })
  .strict();

export const pageQuery = z.object({
  pageNumber: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

const instant = z.iso
  .datetime({ offset: true, error: "must be an RFC 3339 date-time" })
  .transform((value) => Date.parse(value));

/** WSAPI's instance list query: a page, optionally only instances created in a window or in a status. */
export const instanceListQuery = pageQuery.extend({
  createdFrom: instant.optional(),
  createdTo: instant.optional(),
  status: z.string().max(32).optional(),
});
export type InstanceListQuery = z.output<typeof instanceListQuery>;
export type InstanceFilter = Pick<InstanceListQuery, "createdFrom" | "createdTo" | "status">;
export const hasInstanceFilter = (filter: InstanceFilter) =>
  filter.createdFrom !== undefined || filter.createdTo !== undefined || filter.status !== undefined;

export type InstanceSettingsRequest = z.infer<typeof instanceSettingsRequest>;
export type InstanceDefaultsRequest = z.infer<typeof instanceDefaultsRequest>;

/** Non-secret settings stored in the instance document. */
export interface InstanceSettings {
  useCustomDefaults: boolean;
  pullMode: boolean;
  webhookUrl: string | null;
  historySync: boolean;
  eventFilters: string[] | null;
  webhookAuthHeader: string | null;
  hasSigningSecret: boolean;
  hasWebhookAuthValue: boolean;
  /** Absent in documents written before paced sending existed: off. */
  pacing?: Pacing | null;
}

export interface InstanceDefaults {
  defaultWebhookUrl: string | null;
  defaultEventFilters: string[] | null;
  defaultHistorySync: boolean;
  defaultPullMode: boolean;
  hasDefaultSigningSecret: boolean;
}

/** WSAPI's AccountInstanceDefaults, saying whether the signing secret is set instead of answering it. */
export const AccountInstanceDefaults = z.object({
  defaultWebhookUrl: z.string().nullable(),
  defaultEventFilters: z.array(z.string()).nullable(),
  defaultHistorySync: z.boolean(),
  defaultPullMode: z.boolean(),
  hasDefaultSigningSecret: z.boolean(),
});

export const EMPTY_DEFAULTS: InstanceDefaults = {
  defaultWebhookUrl: null,
  defaultEventFilters: null,
  defaultHistorySync: false,
  defaultPullMode: false,
  hasDefaultSigningSecret: false,
};

export interface RuntimeRecord {
  state: "provisioning" | "starting" | "running" | "crashed" | "stopped" | "missing" | "deleting";
  url?: string;
  cellId?: string;
  detail?: string;
  updatedAt: number;
}

export interface Instance {
  instanceId: string;
  accountId: string;
  /** Globally unique id of the runtime (process / Cloud Run service); customer ids are per account. */
  runtimeId: string;
  /** The subscription whose capacity the instance uses; absent on instances from before subscriptions. */
  subscriptionId?: string;
  name: string;
  createdAt: number;
  settings: InstanceSettings;
  apiKey: { prefix: string; createdAt: number };
  runtime: RuntimeRecord;
  device?: { isConnected: boolean; isLoggedIn: boolean; deviceId: string | null };
}

export function newInstanceId(): string {
  return randomBytes(9).toString("hex");
}

export function newRuntimeId(): string {
  return `wi${randomBytes(10).toString("hex")}`;
}

export function defaultSettings(defaults: InstanceDefaults): InstanceSettings {
  return {
    useCustomDefaults: false,
    pullMode: defaults.defaultPullMode,
    webhookUrl: null,
    historySync: defaults.defaultHistorySync,
    eventFilters: null,
    webhookAuthHeader: null,
    hasSigningSecret: false,
    hasWebhookAuthValue: false,
    pacing: null,
  };
}

/**
 * What the gateway token carries besides identity: the instance's pacing, when it has any, and
 * whether it keeps the history sync after pairing (`historySync`, which the instance learns only so).
 */
export function gatewayClaims(instance: Instance): Record<string, unknown> {
  return {
    ...(instance.settings.pacing ? { [PACING_CLAIM]: instance.settings.pacing } : {}),
    ...(instance.settings.historySync ? { [HISTORY_SYNC_CLAIM]: true } : {}),
  };
}

/** WSAPI's status word: what a customer sees about the runtime and the paired device. */
export function instanceStatus(instance: Instance): string {
  if (instance.runtime.state !== "running") return instance.runtime.state;
  return instance.device?.isLoggedIn ? "connected" : "unpaired";
}

export function matchesInstanceFilter(instance: Instance, filter: InstanceFilter): boolean {
  return (
    (filter.createdFrom === undefined || instance.createdAt >= filter.createdFrom) &&
    (filter.createdTo === undefined || instance.createdAt <= filter.createdTo) &&
    (filter.status === undefined || instanceStatus(instance) === filter.status)
  );
}

/** WSAPI's AccountInstance: one item of GET /account/instances and of a subscription's instances. */
export const AccountInstance = z.object({
  id: z.string(),
  created: z.iso.datetime(),
  name: z.string(),
  useCustomDefaults: z.boolean(),
  status: z.string(),
  deviceId: z.string().nullable(),
  expiredAt: z.iso.datetime().nullable(),
  trialEndsAt: z.iso.datetime().nullable(),
  isInTrial: z.boolean(),
  hasApiKey: z.boolean(),
});

export const PagedAccountInstances = z.object({
  items: z.array(AccountInstance),
  totalCount: z.number().int(),
  pageNumber: z.number().int(),
  pageSize: z.number().int(),
});

export function instanceSummary(instance: Instance): z.infer<typeof AccountInstance> {
  return {
    id: instance.instanceId,
    created: new Date(instance.createdAt).toISOString(),
    name: instance.name,
    useCustomDefaults: instance.settings.useCustomDefaults,
    status: instanceStatus(instance),
    deviceId: instance.device?.deviceId ?? null,
    expiredAt: null,
    trialEndsAt: null,
    isInTrial: false,
    hasApiKey: true,
  };
}

/**
 * WSAPI's AccountInstanceDetail, and ours: the settings say whether a secret is set instead of
 * answering it (`hasEventSigningSecret` for WSAPI's `eventSigningSecret`), plus the instance's id,
 * runtime state, API key prefix, webhook auth header and pacing.
 */
export const AccountInstanceDetail = z.object({
  id: z.string(),
  name: z.string(),
  hasApiKey: z.boolean(),
  settings: z.object({
    useCustomDefaults: z.boolean(),
    pullMode: z.boolean(),
    webhookUrl: z.string().nullable(),
    historySync: z.boolean(),
    eventFilters: z.array(z.string()).nullable(),
    webhookAuthHeader: z.string().nullable(),
    pacing: Pacing.nullable(),
    hasEventSigningSecret: z.boolean(),
    hasWebhookAuthValue: z.boolean(),
  }),
  status: z.string(),
  runtime: z.object({ state: z.string(), code: z.string().optional(), detail: z.string().optional() }),
  deviceId: z.string().nullable(),
  created: z.iso.datetime(),
  apiKey: z.object({ prefix: z.string(), createdAt: z.iso.datetime() }),
});

export function instanceDetail(instance: Instance): z.infer<typeof AccountInstanceDetail> {
  const { hasSigningSecret, hasWebhookAuthValue, ...settings } = instance.settings;
  return {
    id: instance.instanceId,
    name: instance.name,
    hasApiKey: true,
    settings: {
      ...settings,
      pacing: settings.pacing ?? null,
      hasEventSigningSecret: hasSigningSecret,
      hasWebhookAuthValue,
    },
    status: instanceStatus(instance),
    // A code and its fixed phrase, never the provider's text (core/runtimeDetail.ts).
    runtime: {
      state: instance.runtime.state,
      ...runtimeDetailView(instance.runtime.state, instance.runtime.detail),
    },
    deviceId: instance.device?.deviceId ?? null,
    created: new Date(instance.createdAt).toISOString(),
    apiKey: { prefix: instance.apiKey.prefix, createdAt: new Date(instance.apiKey.createdAt).toISOString() },
  };
}
