/**
 * Forecasts the step at which a growing positive series (the largest logit, the norm product, or
 * a learned logit scale) passes its limit, from the models of {@linkcode fitGrowth}.
 *
 * Only a series whose growth is significant ({@linkcode SeriesGrowth}: a rise of the series'
 * growth ratio, in rank order at p ≤ 0.01 on at least 5 points) is extrapolated: a falling, flat or
 * noisy series has no crossing to forecast, whatever a curved fit through it says (a log-quadratic
 * through a scale falling from 100 to 99.981 still crosses 65504 somewhere). The forecast names the
 * model that gave the step and carries the growth's evidence.
 *
 * The earliest crossing of any model is the forecast, the latest the other end of its range.
 * Confidence is `high` only when the models agree within 25 %, the log-linear fit has R² ≥ 0.9
 * and the extrapolation is no longer than the observed span; `low` when growth is accelerating
 * (the recent rate is over 1.25× the overall rate: then even the earliest crossing is likely late,
 * as on the PyTorch fixture, which blew up at step 14 while step-11 data point to step 26), when
 * R² < 0.5, or when the extrapolation is over 3× the span; `medium` otherwise. A value already past
 * the limit is reported as observed. O(n).
 *
 * @example
 * ```ts
 * const growth = { name: "norm_product", points: 5, first: 1, last: 16, ratio: 16, correlation: 1,
 *   p_value: 0, growing: true, significant: true } as const;
 * forecastOverflow("norm_product", [0, 10, 20, 30, 40], [1, 2, 4, 8, 16], 1024, growth)
 *   ?.overflow_step; // 100
 * ```
 */
import { fitGrowth, type GrowthModel } from "./growth_fit.ts";
import type { SeriesGrowth } from "./trajectory_analysis.ts";

/** The growth behind a forecast. */
export interface ForecastEvidence {
  points: number;
  /** median(last third) / median(first third). */
  ratio: number;
  /** Spearman's ρ of the series with the step. */
  correlation: number;
  /** One-sided p-value of that rise. */
  p_value: number;
}

/** When the logits are expected to overflow. */
export interface Forecast {
  quantity: "max_logit" | "norm_product" | "logit_scale";
  /** The quantity's limit: safe |q·k| (norm product), safe |logit| (largest logit), or the
   * largest safe scale (logit scale). */
  limit: number;
  last_step: number;
  last_value: number;
  /** The first step at which the quantity is expected past its limit. */
  overflow_step: number;
  steps_ahead: number;
  /** [earliest, latest] over the models that cross. */
  range: [number, number];
  /** The growth factor per step at the last point, by the model that gave overflow_step. */
  growth_per_step: number;
  model: GrowthModel["model"] | "observed";
  accelerating: boolean;
  confidence: "low" | "medium" | "high";
  models: GrowthModel[];
  /** The significant growth the forecast extrapolates; null for an observed crossing. */
  evidence: ForecastEvidence | null;
  note: string;
}

/** A logged value already past the limit: the crossing is observed, not forecast. */
function observedCrossing(
  quantity: Forecast["quantity"],
  t: number[],
  y: number[],
  limit: number,
  observed: number,
): Forecast {
  return {
    quantity,
    limit,
    last_step: t[t.length - 1],
    last_value: y[y.length - 1],
    overflow_step: t[observed],
    steps_ahead: 0,
    range: [t[observed], t[observed]],
    growth_per_step: NaN,
    model: "observed",
    accelerating: false,
    confidence: "high",
    models: [],
    evidence: null,
    note: `already past the limit at step ${t[observed]}`,
  };
}

/**
 * The forecast, or null with fewer than 3 points, a non-positive value, growth that is not
 * significant, or no crossing. A value already past the limit is an observation and needs no growth.
 */
export function forecastOverflow(
  quantity: Forecast["quantity"],
  t: number[],
  y: number[],
  limit: number,
  growth: SeriesGrowth | null,
): Forecast | null {
  const positive = y.every((v) => v > 0);
  if (t.length < 3 || !positive) return null;
  const lastStep = t[t.length - 1];
  const span = lastStep - t[0];
  const observed = y.findIndex((v) => v > limit);
  if (observed >= 0) return observedCrossing(quantity, t, y, limit, observed);
  if (!growth?.significant) return null;
  const models = fitGrowth(t, y, limit);
  const crossing = models.filter((m) => m.crossing !== null);
  if (crossing.length === 0) return null;
  const at = (m: GrowthModel) => Math.ceil((m.crossing as number) * (1 - 1e-12) - 1e-9);
  const earliest = crossing.reduce((a, b) => (at(b) < at(a) ? b : a));
  const latest = Math.max(...crossing.map(at));
  const overall = models[0];
  const recent = models.find((m) => m.model === "log-linear-recent");
  const accelerating = recent !== undefined && recent.rate > 0 &&
    recent.rate > 1.25 * Math.max(overall.rate, 0);
  const step = Math.max(at(earliest), lastStep + 1);
  const ahead = step - lastStep;
  const agree = (latest - lastStep) <= 1.25 * ahead;
  const confidence: Forecast["confidence"] = accelerating || overall.r2 < 0.5 || ahead > 3 * span
    ? "low"
    : agree && overall.r2 >= 0.9 && ahead <= span
    ? "high"
    : "medium";
  const fit = `${earliest.model} fit (R² ${earliest.r2.toFixed(3)}), rising in rank order at ` +
    `p = ${growth.p_value.toPrecision(2)} over ${growth.points} points`;
  const note = accelerating
    ? `growth is accelerating (recent rate ×${Math.exp(recent!.rate).toFixed(3)}/step against ` +
      `×${
        Math.exp(overall.rate).toFixed(3)
      }/step overall): the overflow is likely sooner than step ${step}; ${fit}`
    : `growth of ×${Math.exp(earliest.rate).toFixed(3)} per step; ${fit}`;
  return {
    quantity,
    limit,
    last_step: lastStep,
    last_value: y[y.length - 1],
    overflow_step: step,
    steps_ahead: ahead,
    range: [step, Math.max(step, latest)],
    growth_per_step: Math.exp(earliest.rate),
    model: earliest.model,
    accelerating,
    confidence,
    models,
    evidence: {
      points: growth.points,
      ratio: growth.ratio,
      correlation: growth.correlation,
      p_value: growth.p_value,
    },
    note,
  };
}
