/**
 * The service's limits and settings, read from the environment once at start-up.
 *
 * Only this object carries configuration into the app, so the app itself never reads
 * `Deno.env` and runs on any Fetch-API runtime: `main.ts` passes `Deno.env.get`, a Cloudflare
 * Worker its `env` bindings, a test a plain object.
 */

/** Every setting, with the environment variable that sets it. */
export interface Config {
  /** `MAX_BODY_BYTES`: the largest request body, in bytes. */
  maxBodyBytes: number;
  /** `MAX_SERIES_POINTS`: the most points in one loss series. */
  maxSeriesPoints: number;
  /** `MAX_TRAJECTORY_POINTS`: the most points in one norm trajectory. */
  maxTrajectoryPoints: number;
  /** `MAX_MATRIX_WORK`: the largest B·B·dim of an embeddings request. */
  maxMatrixWork: number;
  /** `TIME_BUDGET_MS`: the longest a request may compute before it gets a 503. */
  timeBudgetMs: number;
  /** `API_TOKEN`: when set, `/v1/*` and `/mcp` need `Authorization: Bearer <token>`. */
  apiToken?: string;
  /** `CORS_ORIGINS`: comma-separated allowed origins, or `*`. */
  corsOrigins: string[];
}

/** The defaults: a 1e6-point series posted as JSON is about 18 MB. */
export const defaultConfig: Config = {
  maxBodyBytes: 64 * 1024 * 1024,
  maxSeriesPoints: 2_000_000,
  maxTrajectoryPoints: 100_000,
  maxMatrixWork: 268_435_456,
  timeBudgetMs: 10_000,
  corsOrigins: ["*"],
};

/** Reads the settings from `get` (e.g. `(k) => Deno.env.get(k)`), falling back to the defaults. */
export function configFromEnv(get: (name: string) => string | undefined): Config {
  const num = (name: string, fallback: number): number => {
    const raw = get(name);
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`${name} must be a positive number, found ${JSON.stringify(raw)}`);
    }
    return value;
  };
  const origins = get("CORS_ORIGINS");
  return {
    maxBodyBytes: num("MAX_BODY_BYTES", defaultConfig.maxBodyBytes),
    maxSeriesPoints: num("MAX_SERIES_POINTS", defaultConfig.maxSeriesPoints),
    maxTrajectoryPoints: num("MAX_TRAJECTORY_POINTS", defaultConfig.maxTrajectoryPoints),
    maxMatrixWork: num("MAX_MATRIX_WORK", defaultConfig.maxMatrixWork),
    timeBudgetMs: num("TIME_BUDGET_MS", defaultConfig.timeBudgetMs),
    apiToken: get("API_TOKEN") || undefined,
    corsOrigins: origins
      ? origins.split(",").map((o) => o.trim()).filter(Boolean)
      : defaultConfig.corsOrigins,
  };
}
