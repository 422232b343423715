// Names of the environment variables every instance runtime receives, set by the provisioner
// (Cloud Run service spec or local process) and read by the instance's config.
export const INSTANCE_ENV = {
  port: "PORT",
  instanceId: "WSAPI_INSTANCE_ID",
  gatewayPublicJwk: "WSAPI_GATEWAY_PUBLIC_JWK",
  instanceSecret: "WSAPI_INSTANCE_SECRET",
  controlUrl: "WSAPI_CONTROL_URL",
  transport: "WSAPI_TRANSPORT",
  simulatorUrl: "WSAPI_SIMULATOR_URL",
  dataDir: "WSAPI_DATA_DIR",
  /** Metrics export interval in ms (default 60,000; 0: no metrics). The local supervisor sets 15,000. */
  metricsIntervalMs: "WSAPI_METRICS_INTERVAL_MS",
} as const;
