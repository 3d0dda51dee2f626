import { type Forecast, forecastOverflow } from "./overflow_forecast.ts";
import type { SeriesGrowth, SeriesName } from "./trajectory_analysis.ts";

/** What the stages allow and what bounds the logits. */
export interface ForecastLimits {
  /** The largest |logit| every stage survives; null when none can overflow. */
  safeLogitLimit: number | null;
  /** The largest |q·k| every stage survives at the current scale; null when the scale is unknown. */
  safeDotLimit: number | null;
  /** The largest |q·k| (1 when normalised), when known. */
  maxDot: number | null;
  /** A bound every logit keeps whatever the run does (normalised, fixed or clamped scale). */
  logitBound: number | null;
  /** The clamp of a learned scale, as a multiplier of the scores. */
  scaleClamp: number | null;
  /** q and k are L2-normalised before the similarity: their norms cannot overflow it. */
  normalized: boolean;
}

/** The logged series a forecast may extrapolate: steps `t` and finite values `y` of each. */
export type ForecastFields = Partial<Record<SeriesName, { t: number[]; y: number[] }>>;

interface Candidate {
  name: Forecast["quantity"];
  limit: number | null;
  bounded: boolean;
}

function candidates(l: ForecastLimits): Candidate[] {
  const safeScale = l.safeLogitLimit !== null && l.maxDot !== null && l.maxDot > 0
    ? l.safeLogitLimit / l.maxDot
    : null;
  return [
    {
      name: "max_logit",
      limit: l.safeLogitLimit,
      bounded: l.logitBound !== null && l.safeLogitLimit !== null &&
        l.logitBound <= l.safeLogitLimit,
    },
    { name: "norm_product", limit: l.safeDotLimit, bounded: l.normalized },
    {
      name: "logit_scale",
      limit: safeScale,
      bounded: l.scaleClamp !== null && safeScale !== null && l.scaleClamp <= safeScale,
    },
  ];
}

/**
 * The forecast of an overflow from the logged series, or null when no series may be extrapolated:
 * which series may be extrapolated, against which limit, and which forecast wins: the largest logit
 * against the largest safe logit, the norm product |q|·|k| against the largest safe |q·k|, and a
 * learned logit scale against the largest safe scale (the safe logit over the largest |q·k|). A
 * series bounded below its limit whatever it does (normalised embeddings whose scale is fixed or
 * clamped at a safe value, norms that are normalised away) gets no forecast; of the others the
 * earliest crossing wins. O(n) per series.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { chooseForecast } from "./forecast_choice.ts";
 * import { analyzeTrajectory, seriesOf } from "./trajectory_analysis.ts";
 * // norms ×1.2 a step: |q·k| = 100·1.44^step reaches 3275.2 (= 65504·τ, τ = 0.05) at step 10
 * const points = [1, 2, 3, 4, 5, 6, 7, 8].map((step) => ({
 *   step, q_norm: 10 * 1.2 ** step, k_norm: 10 * 1.2 ** step,
 * }));
 * const limits = {
 *   safeLogitLimit: 65504, safeDotLimit: 3275.2, maxDot: null, logitBound: null,
 *   scaleClamp: null, normalized: false,
 * };
 * const { growth } = analyzeTrajectory(points);
 * const fields = { norm_product: seriesOf(points, (p) => p.q_norm! * p.k_norm!) };
 * assertEquals(chooseForecast(fields, growth, limits)?.overflow_step, 10);
 * // normalised embeddings: their norms cannot overflow the logits, no forecast
 * assertEquals(chooseForecast(fields, growth, { ...limits, normalized: true }), null);
 * ```
 */
export function chooseForecast(
  fields: ForecastFields,
  growth: readonly SeriesGrowth[],
  limits: ForecastLimits,
): Forecast | null {
  let best: Forecast | null = null;
  for (const c of candidates(limits)) {
    const f = fields[c.name];
    if (c.bounded || c.limit === null || !Number.isFinite(c.limit) || !f) continue;
    const g = growth.find((x) => x.name === c.name) ?? null;
    const forecast = forecastOverflow(c.name, f.t, f.y, c.limit, g);
    if (forecast && (best === null || forecast.overflow_step < best.overflow_step)) {
      best = forecast;
    }
  }
  return best;
}
