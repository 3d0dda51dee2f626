import { median } from "simple-statistics";
import {
  decimalQuantum,
  fillNonFinite,
  localScale,
  rollingMedianOfMedians,
} from "../series/mod.ts";
import { PREPARE } from "./tuning.ts";

/** The residual view of a series. */
export interface Residuals {
  /** `log` when the analysis ran on ln(loss), else `linear`. */
  domain: "log" | "linear";
  /** The series the analysis ran on: ln(loss) or loss, non-finite points filled. */
  values: Float64Array;
  /** The trend in the analysis domain (ln(loss) when `domain` is `log`). */
  trend: Float64Array;
  /** Robust z-score of every point (0 where the loss is not finite). */
  z: Float64Array;
  /**
   * z-score against the trend of the 25 points before (a causal baseline): a spike followed by
   * a slow recovery lifts the centred trend with it, but not the trend before it.
   */
  onset: Float64Array;
  /** Robust noise scale of the residual at every point (blockwise MAD, see `localScale`). */
  scale: Float64Array;
  /** 1 where the loss is finite. */
  finite: Uint8Array;
  /** How many points are not finite, and the index of the first (-1 when none). */
  nonFinite: { count: number; first: number };
  /** The rounding step of the logged values (`decimalQuantum`), 0 when none. */
  quantum: number;
  /** The typical noise scale: the median of `scale` over the finite points (a sample of them). */
  noise: number;
  /** The scatter of one point by the robust estimates of `scatter` (not floored as `scale` is). */
  scatter: number;
}

/**
 * Robust z-scores of a loss series around its own trend.
 *
 * Why: a loss curve decays by orders of magnitude and its noise is proportional to its level,
 * so spikes are best measured as ratios. When every finite value is positive the analysis works
 * on ln(loss), where a 4× spike is +1.39 whatever the level; otherwise (losses that go negative,
 * such as an ELBO) on the values themselves. The trend is a centred rolling median of medians
 * over 25 points (`rollingMedianOfMedians`: it keeps step changes such as LR drops sharp and
 * ignores spikes), the noise scale a blockwise MAD (see `localScale`), and
 * z = (y − trend) / scale.
 *
 * Values logged with a fixed number of decimals (`decimalQuantum`) take a noise scale of at
 * least half a rounding step: a change of one step is then z ≤ 2, noise, not a spike.
 *
 * Non-finite points get z = 0 and are excluded through `finite`.
 *
 * Cost: a few O(n) passes over typed arrays.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { robustResiduals } from "./residuals.ts";
 * const { z, domain } = robustResiduals(new Float64Array([1, 1.01, 0.99, 4, 1, 1.01, 0.99, 1]));
 * assertEquals([domain, z[3] > 6], ["log", true]); // the 4× point stands out
 * assertEquals(robustResiduals(new Float64Array([1, -1, 2])).domain, "linear"); // not positive
 * ```
 */
export function robustResiduals(loss: Float64Array): Residuals {
  const n = loss.length;
  const { filled, finite, count, first } = fillNonFinite(loss);
  let positive = true;
  for (let i = 0; i < n && positive; i++) positive = !finite[i] || loss[i] > 0;
  const domain = positive && count < n ? "log" : "linear";
  const y = filled;
  if (domain === "log") { for (let i = 0; i < n; i++) y[i] = Math.log(y[i]); }
  const smooth = rollingMedianOfMedians(y);
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) residual[i] = finite[i] ? y[i] - smooth[i] : 0;
  const floor = domain === "log" ? PREPARE.logScaleFloor : PREPARE.linearScaleFloor * maxAbs(y);
  const scale = localScale(residual, PREPARE.scaleBlock, floor || 1e-300);
  const quantum = decimalQuantum(loss);
  if (quantum > 0) floorAtQuantum(scale, smooth, quantum, domain);
  const onset = new Float64Array(n);
  const lag = PREPARE.onsetLag;
  for (let i = lag; i < n; i++) onset[i] = finite[i] ? (y[i] - smooth[i - lag]) / scale[i] : 0;
  // z in place of the residual: one array fewer.
  for (let i = 0; i < n; i++) residual[i] /= scale[i];
  return {
    domain,
    values: y,
    trend: smooth,
    z: residual,
    onset,
    scale,
    finite,
    nonFinite: { count, first },
    quantum,
    noise: typicalScale(scale, finite),
    scatter: scatter(y, smooth, finite),
  };
}

/**
 * Raises the noise scale to `PREPARE.quantumNoise` rounding steps: in ln(loss) a step of q at
 * the level e^trend is q / e^trend.
 */
function floorAtQuantum(
  scale: Float64Array,
  trend: Float64Array,
  quantum: number,
  domain: "log" | "linear",
): void {
  const step = PREPARE.quantumNoise * quantum;
  for (let i = 0; i < scale.length; i++) {
    const floor = domain === "log" ? step / Math.exp(trend[i]) : step;
    if (scale[i] < floor) scale[i] = floor;
  }
}

/** The median scale over the finite points, on an evenly strided sample of at most 10 001. */
function typicalScale(scale: Float64Array, finite: Uint8Array): number {
  const stride = Math.max(1, Math.floor(scale.length / 10_000));
  const sample: number[] = [];
  for (let i = 0; i < scale.length; i += stride) if (finite[i]) sample.push(scale[i]);
  return sample.length > 0 ? median(sample) : 0;
}

/**
 * The scatter of one point, by two robust estimates (σ for Gaussian noise, on an evenly strided
 * sample of at most 10 001 points): 1.4826 × the median |residual| around the trend, and
 * 1.4826 / √2 × the median |difference| between neighbours. Each is thrown off by one thing — a
 * trend too coarse for a short series (its rolling median is then the series' median), blow-ups
 * on alternate points (every difference is one) — so the smaller is taken. Not the analysis'
 * noise scale, which a block's mean absolute deviation bounds from below (for running means and
 * rounded values): blow-ups on a third of the points would set it.
 */
function scatter(values: Float64Array, trend: Float64Array, finite: Uint8Array): number {
  const stride = Math.max(1, Math.floor(values.length / 10_000));
  const around: number[] = [], between: number[] = [];
  for (let i = 0; i < values.length; i += stride) {
    if (!finite[i]) continue;
    around.push(Math.abs(values[i] - trend[i]));
    if (i > 0 && finite[i - 1]) between.push(Math.abs(values[i] - values[i - 1]));
  }
  if (around.length === 0) return 0;
  const fromTrend = 1.4826 * median(around);
  return between.length > 0
    ? Math.min(fromTrend, (1.4826 / Math.SQRT2) * median(between))
    : fromTrend;
}

function maxAbs(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}
