import { median } from "simple-statistics";
import { chooseForecast, type ForecastLimits } from "./forecast_choice.ts";
import type { Forecast } from "./overflow_forecast.ts";
import { MIN_TREND_POINTS, rankTrend } from "./rank_trend.ts";

export type { ForecastLimits } from "./forecast_choice.ts";

/** One logged step. Missing or null fields are skipped. */
export interface TrajectoryPoint {
  /** The training step; increasing along the trajectory. */
  step: number;
  /** The mean (or largest) row norm of q. */
  q_norm?: number | null;
  /** The same for k. */
  k_norm?: number | null;
  /** The largest |logit| of the step. */
  max_logit?: number | null;
  /** The mean q·k of the step. */
  mean_score?: number | null;
  /** The contrastive loss of the step (NaN and ±Infinity are data). */
  loss?: number | null;
  /** The multiplier s of the logits (CLIP's `logit_scale.exp()`), when learned and logged. */
  logit_scale?: number | null;
}

/** The name of a logged (or derived) series. */
export type SeriesName =
  | "q_norm"
  | "k_norm"
  | "norm_product"
  | "max_logit"
  | "mean_score"
  | "loss"
  | "logit_scale";

/** The growth of one series. */
export interface SeriesGrowth {
  /** The series. */
  name: SeriesName;
  /** Its finite points before the first non-finite loss. */
  points: number;
  /** Its first value. */
  first: number;
  /** Its last value. */
  last: number;
  /** median(last third) / median(first third). */
  ratio: number;
  /** Spearman rank correlation of the value with the step (robust to a runaway last point). */
  correlation: number;
  /** One-sided p-value of that correlation being > 0 (t approximation). */
  p_value: number;
  /** ratio ≥ the series' threshold, correlation ≥ 0.5, p ≤ 0.05. */
  growing: boolean;
  /** growing, on ≥ 5 points, with p ≤ 0.01: enough to extrapolate. */
  significant: boolean;
}

/** The values logged at the first non-finite loss step. */
export interface LoggedAt {
  /** q's norm, if logged. */
  q_norm?: number;
  /** k's norm, if logged. */
  k_norm?: number;
  /** The largest |logit|, if logged. */
  max_logit?: number;
  /** The logit scale, if logged. */
  logit_scale?: number;
}

/** The whole reading. */
export interface TrajectoryAnalysis {
  /** The points given. */
  points: number;
  /** The first step. */
  first_step: number;
  /** The last step. */
  last_step: number;
  /** The first step whose loss is NaN or ±Infinity; null if none. */
  first_nonfinite_loss_step: number | null;
  /** The growth of each series with at least 4 points. */
  growth: SeriesGrowth[];
  /** When the logits are expected to overflow; null without limits or significant growth. */
  forecast: Forecast | null;
  /** The last finite value of each field, blow-up step included (for the latest stages). */
  latest: LoggedAt;
  /** The finite values logged at the first non-finite loss step; null when there is none. */
  at_nonfinite: LoggedAt | null;
}

/**
 * How much a series must grow (median of the last third over the first third) to count: a single
 * norm 1.25× (a norm product then grows 1.56×), everything else 1.5×: well above the step-to-step
 * noise of logged means (the PyTorch fixture's norms wander ±10 % while flat).
 */
export const GROWTH_RATIO: Record<SeriesName, number> = {
  q_norm: 1.25,
  k_norm: 1.25,
  norm_product: 1.5,
  max_logit: 1.5,
  mean_score: 1.5,
  loss: 1.5,
  logit_scale: 1.5,
};

/**
 * One-sided p-values of the rank rise: 5 % for a finding to say a series grows (the usual level
 * for a statement about one series), 1 % for a forecast to extrapolate it (a stronger claim, made
 * from the first of up to seven series tried: 0.05/7 ≈ 0.007).
 */
export const GROWTH_P = { growing: 0.05, significant: 0.01 } as const;

function growthOf(name: SeriesName, t: number[], y: number[]): SeriesGrowth | null {
  if (y.length < 4) return null;
  const third = Math.max(1, Math.floor(y.length / 3));
  const head = median(y.slice(0, third));
  const tail = median(y.slice(-third));
  const ratio = head > 0 ? tail / head : NaN;
  const { correlation, p_value } = rankTrend(t, y);
  const growing = ratio >= GROWTH_RATIO[name] && correlation >= 0.5 && p_value <= GROWTH_P.growing;
  return {
    name,
    points: y.length,
    first: y[0],
    last: y[y.length - 1],
    ratio,
    correlation,
    p_value,
    growing,
    significant: growing && y.length >= MIN_TREND_POINTS && p_value <= GROWTH_P.significant,
  };
}

/**
 * The steps and finite values of a field, picked from each point (null skips it). O(n).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { seriesOf } from "./trajectory_analysis.ts";
 * const points = [
 *   { step: 1, loss: 2 }, { step: 2 }, { step: 3, loss: NaN }, { step: 4, loss: 1.5 },
 * ];
 * assertEquals(seriesOf(points, (p) => p.loss ?? null), { t: [1, 4], y: [2, 1.5] });
 * ```
 */
export function seriesOf(
  points: readonly TrajectoryPoint[],
  pick: (p: TrajectoryPoint) => number | null,
): { t: number[]; y: number[] } {
  const t: number[] = [];
  const y: number[] = [];
  for (const p of points) {
    const v = pick(p);
    if (v !== null && Number.isFinite(v)) {
      t.push(p.step);
      y.push(v);
    }
  }
  return { t, y };
}

const PICK: Record<SeriesName, (p: TrajectoryPoint) => number | null> = {
  q_norm: (p) => p.q_norm ?? null,
  k_norm: (p) => p.k_norm ?? null,
  norm_product: (p) => (p.q_norm != null && p.k_norm != null ? p.q_norm * p.k_norm : null),
  max_logit: (p) => (p.max_logit == null ? null : Math.abs(p.max_logit)),
  mean_score: (p) => p.mean_score ?? null,
  loss: (p) => p.loss ?? null,
  logit_scale: (p) => p.logit_scale ?? null,
};

function checkSteps(points: readonly TrajectoryPoint[]): void {
  if (points.length === 0) throw new RangeError("trajectory needs at least one point");
  for (let i = 1; i < points.length; i++) {
    if (!(points[i].step > points[i - 1].step)) {
      throw new RangeError(
        `trajectory steps must increase: step ${points[i].step} at index ${i} follows ${
          points[i - 1].step
        }`,
      );
    }
  }
}

function loggedAt(p: TrajectoryPoint | undefined): LoggedAt | null {
  if (!p) return null;
  const out: LoggedAt = {};
  for (const name of ["q_norm", "k_norm", "max_logit", "logit_scale"] as const) {
    const v = PICK[name](p);
    if (v !== null && Number.isFinite(v)) out[name] = v;
  }
  return out;
}

/**
 * Reads a training trajectory of an InfoNCE model (norms, largest logit, mean score, loss, logit
 * scale per step), says which series grow and how surely, and forecasts the step at which the
 * logits overflow. `limits` (the stages' limits and what bounds the logits) allow a forecast;
 * without them there is none.
 *
 * Growth: a series grows when the median of its last third is at least `GROWTH_RATIO` times the
 * median of its first third (robust to the noise of single steps), its Spearman correlation with
 * the step is at least 0.5, and that rise is significant at 5 % ({@linkcode rankTrend}). Without
 * L2 normalisation the norms grow, so do the scores and (n − p)/τ, so the loss rises, then NaN.
 *
 * Forecast ({@linkcode chooseForecast}): only a series whose growth is significant at 1 % on at
 * least {@linkcode MIN_TREND_POINTS} points is extrapolated; a falling, flat, noisy or
 * clamp-saturated series gets none. A logged value already past its limit is reported as observed.
 * Whether a non-finite loss is an overflow is not decided here: the stages are (see
 * `nan_origin.ts`); this records the step and what was logged at it. O(n log n).
 *
 * @throws {RangeError} when there is no point or the steps are not increasing.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { analyzeTrajectory } from "./trajectory_analysis.ts";
 * // norms ×1.2 a step: |q·k| = 100·1.44^step reaches 3275.2 (= 65504·τ, τ = 0.05) at step 10
 * const points = [1, 2, 3, 4, 5, 6, 7, 8].map((step) => ({
 *   step, q_norm: 10 * 1.2 ** step, k_norm: 10 * 1.2 ** step,
 * }));
 * const t = analyzeTrajectory(points, {
 *   safeLogitLimit: 65504, safeDotLimit: 3275.2, maxDot: null, logitBound: null,
 *   scaleClamp: null, normalized: false,
 * });
 * assertEquals(t.growth.map((g) => [g.name, g.significant]), [
 *   ["q_norm", true], ["k_norm", true], ["norm_product", true],
 * ]);
 * assertEquals([t.forecast?.quantity, t.forecast?.overflow_step], ["norm_product", 10]);
 * assertEquals(analyzeTrajectory(points).forecast, null); // no limits, no forecast
 * ```
 */
export function analyzeTrajectory(
  points: readonly TrajectoryPoint[],
  limits?: ForecastLimits,
): TrajectoryAnalysis {
  checkSteps(points);
  const bad = points.find((p) => typeof p.loss === "number" && !Number.isFinite(p.loss));
  const before = bad ? points.filter((p) => p.step < bad.step) : points;
  const names = Object.keys(PICK) as SeriesName[];
  const fields = Object.fromEntries(names.map((n) => [n, seriesOf(before, PICK[n])])) as Record<
    SeriesName,
    { t: number[]; y: number[] }
  >;
  const growth = names.map((n) => growthOf(n, fields[n].t, fields[n].y))
    .filter((g): g is SeriesGrowth => g !== null);
  const last = (name: SeriesName) => {
    const f = seriesOf(points, PICK[name]);
    return f.y.length > 0 ? f.y[f.y.length - 1] : undefined;
  };
  const latest: LoggedAt = {};
  for (const name of ["q_norm", "k_norm", "max_logit", "logit_scale"] as const) {
    const v = last(name);
    if (v !== undefined) latest[name] = v;
  }
  return {
    points: points.length,
    first_step: points[0].step,
    last_step: points[points.length - 1].step,
    first_nonfinite_loss_step: bad ? bad.step : null,
    growth,
    forecast: limits ? chooseForecast(fields, growth, limits) : null,
    latest,
    at_nonfinite: loggedAt(bad),
  };
}
