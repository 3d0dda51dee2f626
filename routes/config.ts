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
  /** `MAX_LOGSUMEXP_ROWS`: the most rows of a log-sum-exp matrix (each row is a reduction). */
  maxLogSumExpRows: number;
  /**
   * `TIME_BUDGET_MS`: the longest the spike analysis may search for a period before the request
   * gets a 413 naming this limit (see `time_budget.ts` for what it bounds and what it does not).
   */
  timeBudgetMs: number;
  /** `API_TOKEN`: when set, `/v1/*` and `/mcp` need `Authorization: Bearer <token>`. */
  apiToken?: string;
  /** `CORS_ORIGINS`: comma-separated allowed origins, or `*`. */
  corsOrigins: string[];
}

/**
 * The defaults, chosen so that the worst case of every endpoint answers in under 2 s on one
 * core (measured by `bench/worst_case.ts`; the README has the numbers). A 10⁶-point series is
 * about 19 MB as JSON and 37 MB as a TensorBoard CSV export (wall time, step, value).
 */
export const defaultConfig: Config = {
  maxBodyBytes: 40 * 1024 * 1024,
  maxSeriesPoints: 1_000_000,
  maxTrajectoryPoints: 100_000,
  maxMatrixWork: 134_217_728,
  maxLogSumExpRows: 4_096,
  timeBudgetMs: 1_000,
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
    maxLogSumExpRows: num("MAX_LOGSUMEXP_ROWS", defaultConfig.maxLogSumExpRows),
    timeBudgetMs: num("TIME_BUDGET_MS", defaultConfig.timeBudgetMs),
    apiToken: get("API_TOKEN") || undefined,
    corsOrigins: origins
      ? origins.split(",").map((o) => o.trim()).filter(Boolean)
      : defaultConfig.corsOrigins,
  };
}
