/**
 * Reads a training trajectory of an InfoNCE model (norms, largest logit, mean score, loss per
 * step), says which of them grow, and forecasts the step at which the logits overflow.
 *
 * Growth: a series grows when the median of its last third is at least `threshold` times the
 * median of its first third (robust to the noise of single steps) and its Spearman correlation
 * with the step is at least 0.5 (ranks, so one explosive point does not dilute it); the thresholds
 * are 1.25 for a single norm, 1.5 for the norm product, the largest logit, the mean score and the
 * loss. The seed report's chain is exactly this: without L2
 * normalisation the norms grow, so do the scores and (n − p)/τ, so the loss rises, then NaN.
 *
 * Forecast: the largest logit (converted to |q·k| = max_logit·τ) and the norm product |q|·|k| are
 * each extrapolated by {@linkcode forecastOverflow} to `safeDotLimit`, the largest |q·k| every
 * stage of the forward pass survives (65504·τ for fp16 logits); the earlier one wins. Norm
 * products from mean norms underestimate the largest |q·k| (the fixture: 33 from mean norms
 * against 97 from the largest logit one step before NaN). A point with a non-finite loss means the
 * overflow has happened: the forecast becomes that step, observed. O(n).
 */
import { median, sampleRankCorrelation } from "simple-statistics";
import { type Forecast, forecastOverflow } from "./overflow_forecast.ts";

/** One logged step. Missing or null fields are skipped. */
export interface TrajectoryPoint {
  step: number;
  q_norm?: number | null;
  k_norm?: number | null;
  max_logit?: number | null;
  mean_score?: number | null;
  loss?: number | null;
}

/** The growth of one series. */
export interface SeriesGrowth {
  name: "q_norm" | "k_norm" | "norm_product" | "max_logit" | "mean_score" | "loss";
  points: number;
  first: number;
  last: number;
  /** median(last third) / median(first third). */
  ratio: number;
  /** Spearman rank correlation of the value with the step (robust to a runaway last point). */
  correlation: number;
  growing: boolean;
}

/** The whole reading. */
export interface TrajectoryAnalysis {
  points: number;
  first_step: number;
  last_step: number;
  /** The first step whose loss is NaN or ±Infinity; null if none. */
  first_nonfinite_loss_step: number | null;
  growth: SeriesGrowth[];
  forecast: Forecast | null;
  /** The last finite value of each field, blow-up step included (for the latest stages). */
  latest: { q_norm?: number; k_norm?: number; max_logit?: number };
}

const THRESHOLDS: Record<SeriesGrowth["name"], number> = {
  q_norm: 1.25,
  k_norm: 1.25,
  norm_product: 1.5,
  max_logit: 1.5,
  mean_score: 1.5,
  loss: 1.5,
};

function growthOf(name: SeriesGrowth["name"], t: number[], y: number[]): SeriesGrowth | null {
  if (y.length < 4) return null;
  const third = Math.max(1, Math.floor(y.length / 3));
  const head = median(y.slice(0, third));
  const tail = median(y.slice(-third));
  const ratio = head > 0 ? tail / head : NaN;
  const correlation = sampleRankCorrelation(t, y);
  return {
    name,
    points: y.length,
    first: y[0],
    last: y[y.length - 1],
    ratio,
    correlation: Number.isFinite(correlation) ? correlation : 0,
    growing: ratio >= THRESHOLDS[name] && correlation >= 0.5,
  };
}

/** The steps and finite values of a field, before `end`. */
function series(points: readonly TrajectoryPoint[], pick: (p: TrajectoryPoint) => number | null) {
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

/**
 * Analyses the trajectory. `safeDotLimit` is the largest |q·k| the forward pass survives and
 * `scale` the factor from |q·k| to logits (1/τ); without them there is no forecast.
 * @throws {RangeError} when steps are not increasing.
 */
export function analyzeTrajectory(
  points: readonly TrajectoryPoint[],
  limits?: { safeDotLimit: number; scale: number },
): TrajectoryAnalysis {
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
  const bad = points.find((p) => typeof p.loss === "number" && !Number.isFinite(p.loss));
  const before = bad ? points.filter((p) => p.step < bad.step) : points;
  const product = (p: TrajectoryPoint) =>
    p.q_norm != null && p.k_norm != null ? p.q_norm * p.k_norm : null;
  const fields = {
    q_norm: series(before, (p) => p.q_norm ?? null),
    k_norm: series(before, (p) => p.k_norm ?? null),
    norm_product: series(before, product),
    max_logit: series(before, (p) => p.max_logit == null ? null : Math.abs(p.max_logit)),
    mean_score: series(before, (p) => p.mean_score ?? null),
    loss: series(before, (p) => p.loss ?? null),
  };
  const growth = (Object.keys(fields) as SeriesGrowth["name"][])
    .map((name) => growthOf(name, fields[name].t, fields[name].y))
    .filter((g): g is SeriesGrowth => g !== null);

  let forecast: Forecast | null = null;
  if (limits && Number.isFinite(limits.safeDotLimit)) {
    const byLogit = forecastOverflow(
      "max_logit",
      fields.max_logit.t,
      fields.max_logit.y,
      limits.safeDotLimit * limits.scale,
    );
    const byNorms = forecastOverflow(
      "norm_product",
      fields.norm_product.t,
      fields.norm_product.y,
      limits.safeDotLimit,
    );
    forecast = byLogit && byNorms
      ? (byNorms.overflow_step < byLogit.overflow_step ? byNorms : byLogit)
      : byLogit ?? byNorms;
  }
  if (bad) {
    forecast = {
      ...(forecast ?? {
        quantity: fields.max_logit.y.length > 0 ? "max_logit" : "norm_product",
        limit: limits
          ? limits.safeDotLimit * (fields.max_logit.y.length > 0 ? limits.scale : 1)
          : NaN,
        last_step: bad.step,
        last_value: NaN,
        range: [bad.step, bad.step],
        growth_per_step: NaN,
        accelerating: false,
        models: [],
      }),
      overflow_step: bad.step,
      steps_ahead: 0,
      range: [bad.step, bad.step],
      model: "observed",
      confidence: "high",
      note: `the loss is ${String(bad.loss)} at step ${bad.step}: the overflow has happened`,
    };
  }
  // The latest state includes the blow-up step itself: its logged logits are what overflowed.
  const last = (pick: (p: TrajectoryPoint) => number | null) => {
    const f = series(points, pick);
    return f.y.length > 0 ? f.y[f.y.length - 1] : undefined;
  };
  return {
    points: points.length,
    first_step: points[0].step,
    last_step: points[points.length - 1].step,
    first_nonfinite_loss_step: bad ? bad.step : null,
    growth,
    forecast,
    latest: {
      q_norm: last((p) => p.q_norm ?? null),
      k_norm: last((p) => p.k_norm ?? null),
      max_logit: last((p) => p.max_logit == null ? null : Math.abs(p.max_logit)),
    },
  };
}
