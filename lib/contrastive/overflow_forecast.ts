import { fitGrowth, type GrowthModel } from "./growth_fit.ts";
import type { SeriesGrowth } from "./trajectory_analysis.ts";

/** The growth behind a forecast. */
export interface ForecastEvidence {
  /** The points the growth was measured on. */
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
  /** The series extrapolated. */
  quantity: "max_logit" | "norm_product" | "logit_scale";
  /** The quantity's limit: safe |q·k| (norm product), safe |logit| (largest logit), or the
   * largest safe scale (logit scale). */
  limit: number;
  /** The last step logged. */
  last_step: number;
  /** The series' value there. */
  last_value: number;
  /** The first step at which the quantity is expected past its limit. */
  overflow_step: number;
  /** overflow_step − last_step (0 when observed). */
  steps_ahead: number;
  /** [earliest, latest] over the models that cross. */
  range: [number, number];
  /** The growth factor per step at the last point, by the model that gave overflow_step. */
  growth_per_step: number;
  /** The model that gave overflow_step, or "observed" for a value already past the limit. */
  model: GrowthModel["model"] | "observed";
  /** The recent growth rate is over 1.25× the overall one: the overflow is likely sooner. */
  accelerating: boolean;
  /** How far to trust the step (see {@linkcode forecastOverflow}). */
  confidence: "low" | "medium" | "high";
  /** Every model fitted. */
  models: GrowthModel[];
  /** The significant growth the forecast extrapolates; null for an observed crossing. */
  evidence: ForecastEvidence | null;
  /** One sentence on the growth and the fit. */
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
 * Forecasts the step at which a growing positive series `quantity` (the largest logit, the norm
 * product, or a learned logit scale), logged as values `y` at steps `t`, passes its limit, from the
 * models of {@linkcode fitGrowth}. Null with fewer than 3 points, a non-positive value, growth that
 * is not significant, or no crossing; a value already past the limit is an observation and needs
 * no growth.
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
 * import { assertEquals } from "@std/assert";
 * import { forecastOverflow } from "./overflow_forecast.ts";
 * import type { SeriesGrowth } from "./trajectory_analysis.ts";
 * const growth: SeriesGrowth = {
 *   name: "norm_product", points: 5, first: 1, last: 16, ratio: 16, correlation: 1,
 *   p_value: 0, growing: true, significant: true,
 * };
 * const t = [0, 10, 20, 30, 40], y = [1, 2, 4, 8, 16]; // doubling every 10 steps
 * const forecast = forecastOverflow("norm_product", t, y, 1024, growth);
 * assertEquals([forecast?.overflow_step, forecast?.model], [100, "log-linear"]);
 * assertEquals(forecastOverflow("norm_product", t, y, 1024, null), null); // no significant growth
 * assertEquals(forecastOverflow("norm_product", t, y, 10, null)?.model, "observed"); // 16 > 10
 * ```
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
  const earliest = crossing.reduce((a, b) => (crossingStep(b) < crossingStep(a) ? b : a));
  const latest = Math.max(...crossing.map(crossingStep));
  const pace = paceOf(models);
  const step = Math.max(crossingStep(earliest), lastStep + 1);
  const ahead = step - lastStep;
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
    accelerating: pace.accelerating,
    confidence: confidenceOf(pace, span, ahead, latest - lastStep),
    models,
    evidence: {
      points: growth.points,
      ratio: growth.ratio,
      correlation: growth.correlation,
      p_value: growth.p_value,
    },
    note: forecastNote(pace, earliest, growth, step),
  };
}

/** The first whole step at or past a model's crossing (a crossing a rounding error past an
 * integer counts as that integer). */
function crossingStep(m: GrowthModel): number {
  return Math.ceil((m.crossing as number) * (1 - 1e-12) - 1e-9);
}

/** The overall log-linear fit, the recent one, and whether the recent rate is over 1.25× it. */
interface Pace {
  overall: GrowthModel;
  recent: GrowthModel | undefined;
  accelerating: boolean;
}

function paceOf(models: GrowthModel[]): Pace {
  const overall = models[0];
  const recent = models.find((m) => m.model === "log-linear-recent");
  const accelerating = recent !== undefined && recent.rate > 0 &&
    recent.rate > 1.25 * Math.max(overall.rate, 0);
  return { overall, recent, accelerating };
}

/** `low` for accelerating growth, a poor fit or a long extrapolation; `high` when the models
 * agree within 25 %, the fit is good and the extrapolation no longer than the span. */
function confidenceOf(
  pace: Pace,
  span: number,
  ahead: number,
  latestAhead: number,
): Forecast["confidence"] {
  const agree = latestAhead <= 1.25 * ahead;
  return pace.accelerating || pace.overall.r2 < 0.5 || ahead > 3 * span
    ? "low"
    : agree && pace.overall.r2 >= 0.9 && ahead <= span
    ? "high"
    : "medium";
}

/** One sentence on the growth (accelerating or not) and the fit behind the step. */
function forecastNote(
  pace: Pace,
  earliest: GrowthModel,
  growth: SeriesGrowth,
  step: number,
): string {
  const fit = `${earliest.model} fit (R² ${earliest.r2.toFixed(3)}), rising in rank order at ` +
    `p = ${growth.p_value.toPrecision(2)} over ${growth.points} points`;
  return pace.accelerating
    ? `growth is accelerating (recent rate ×${Math.exp(pace.recent!.rate).toFixed(3)}/step ` +
      `against ×${
        Math.exp(pace.overall.rate).toFixed(3)
      }/step overall): the overflow is likely sooner than step ${step}; ${fit}`
    : `growth of ×${Math.exp(earliest.rate).toFixed(3)} per step; ${fit}`;
}
