/**
 * The service's limits and settings, every one with the environment variable that sets it; read
 * from the environment once at start-up ({@linkcode configFromEnv}).
 *
 * Only this object carries configuration into the app, so the app itself never reads
 * `Deno.env` and runs on any Fetch-API runtime: `main.ts` passes `Deno.env.get`, a Cloudflare
 * Worker its `env` bindings, a test a plain object.
 */
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
   * `MAX_ANALYSIS_WORK`: the most units of work the period search of one request may count
   * (events × candidates, points × folds; see `work_budget.ts`) before the request gets a 413
   * naming this limit. It counts the request, never the clock.
   */
  maxAnalysisWork: number;
  /**
   * `SLOW_ANALYSIS_MS`: a period search still running after this many milliseconds is logged
   * once (a warning with its counted work): a safety net that tells an operator the machine is
   * slower than `MAX_ANALYSIS_WORK` assumes. It never changes an answer.
   */
  slowAnalysisMs: number;
  /** `BODY_TIMEOUT_MS`: the longest a request body may take to arrive (408 beyond). */
  bodyTimeoutMs: number;
  /**
   * `HEADER_TIMEOUT_MS`: the longest a connection may take to send a request's headers before
   * it is closed (Deno only: `main.ts`; other hosts have their own). 0 turns the guard off
   * (behind a proxy with its own header timeout).
   */
  headerTimeoutMs: number;
  /** `API_TOKEN`: when set, `/v1/*` and `/mcp` need `Authorization: Bearer <token>`. */
  apiToken?: string;
  /** `CORS_ORIGINS`: comma-separated allowed origins, or `*`. */
  corsOrigins: string[];
}

/**
 * The defaults, chosen so that the worst case of every endpoint answers in under 2 s on one
 * core (measured by `bench/worst_case.ts`; the README has the numbers). A 10⁶-point series is
 * about 19 MB as JSON and 37 MB as a TensorBoard CSV export (wall time, step, value).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * assertEquals(defaultConfig.maxSeriesPoints, 1_000_000);
 * assertEquals(defaultConfig.apiToken, undefined); // no auth unless API_TOKEN is set
 * ```
 */
export const defaultConfig: Config = {
  maxBodyBytes: 40 * 1024 * 1024,
  maxSeriesPoints: 1_000_000,
  maxTrajectoryPoints: 100_000,
  maxMatrixWork: 134_217_728,
  maxLogSumExpRows: 4_096,
  maxAnalysisWork: 150_000_000,
  slowAnalysisMs: 2_000,
  bodyTimeoutMs: 60_000,
  headerTimeoutMs: 10_000,
  corsOrigins: ["*"],
};

/**
 * Reads the settings from `get` (e.g. `(k) => Deno.env.get(k)`), falling back to the defaults
 * for unset or empty variables. `CORS_ORIGINS` is a comma-separated list. O(settings).
 *
 * @throws {RangeError} for a limit that is not a positive number (`HEADER_TIMEOUT_MS` may be 0).
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { configFromEnv } from "./config.ts";
 * const env: Record<string, string> = {
 *   MAX_SERIES_POINTS: "500", CORS_ORIGINS: "https://a.example, https://b.example",
 * };
 * const config = configFromEnv((name) => env[name]);
 * assertEquals(config.maxSeriesPoints, 500);
 * assertEquals(config.corsOrigins, ["https://a.example", "https://b.example"]);
 * assertEquals(configFromEnv(() => undefined).corsOrigins, ["*"]);
 * assertThrows(
 *   () => configFromEnv((name) => (name === "MAX_BODY_BYTES" ? "-1" : undefined)),
 *   RangeError,
 *   'MAX_BODY_BYTES must be a positive number, found "-1"',
 * );
 * ```
 */
export function configFromEnv(get: (name: string) => string | undefined): Config {
  const num = (name: string, fallback: number, zero = false): number => {
    const raw = get(name);
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero)) {
      const what = zero ? "a number ≥ 0" : "a positive number";
      throw new RangeError(`${name} must be ${what}, found ${JSON.stringify(raw)}`);
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
    maxAnalysisWork: num("MAX_ANALYSIS_WORK", defaultConfig.maxAnalysisWork),
    slowAnalysisMs: num("SLOW_ANALYSIS_MS", defaultConfig.slowAnalysisMs),
    bodyTimeoutMs: num("BODY_TIMEOUT_MS", defaultConfig.bodyTimeoutMs),
    headerTimeoutMs: num("HEADER_TIMEOUT_MS", defaultConfig.headerTimeoutMs, true),
    apiToken: get("API_TOKEN") || undefined,
    corsOrigins: origins
      ? origins.split(",").map((o) => o.trim()).filter(Boolean)
      : defaultConfig.corsOrigins,
  };
}
