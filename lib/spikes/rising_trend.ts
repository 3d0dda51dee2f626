import { median } from "simple-statistics";
import { EXPLAIN } from "./tuning.ts";

/** How far the end of the run is above its lowest stretch. */
export interface RisingTrend {
  /** Final level ÷ lowest level (positive series), or the rise in units of the curve's spread. */
  factor: number;
  /** Final level and lowest level, in the loss's units. */
  final: number;
  /** The lowest level, in the loss's units. */
  lowest: number;
  /** Index where the lowest stretch is centred. */
  lowestAt: number;
  /** The highest stretch before the lowest one: where the descent began. */
  highest: number;
  /**
   * The rise as a share of the descent before it, in ln(loss) for a positive series: 1 when
   * the loss is back where it began (Infinity when it never fell).
   */
  share: number;
  /**
   * Whether the rise is one to report: a factor of `EXPLAIN.risingWarning` or more, not
   * recovering, and beyond what the noise could make.
   */
  rising: boolean;
}

/**
 * Whether the loss ends clearly above the lowest level it reached.
 *
 * Why: a loss that climbs back up (a learning rate too high, a contrastive loss whose logits
 * grow, a diverging run) is the warning before the NaN. The level of the final tenth of the
 * run (its median, so a last spike does not count) is compared with the lowest median of the
 * twenty equal stretches before it. In log terms, ending 30 % above the minimum is a warning,
 * 3× is critical — unless the loss is coming back down at the very end (a late spike that
 * recovers) — and beyond what the scatter of the stretch medians reaches by chance, given
 * the noise of one point (a short, noisy run of single-batch losses has a lowest stretch well
 * below its level). For series that are not all positive the rise is measured against the
 * spread of the curve instead of its level. For a curve that repeats a shape every `cycle`
 * points (unshuffled data, warm restarts) the final stretch and the others are whole cycles
 * at least, so the end of the run is not merely the hard part of an epoch.
 *
 * Cost: O(n) (medians of stretches, on an evenly strided sample of at most 200 000 points).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { risingTrend } from "./rising_trend.ts";
 * const trend = risingTrend(Float64Array.from([5, 3, 2, 2, 3, 5, 9, 14]));
 * assertEquals([trend?.factor, trend?.lowest, trend?.final, trend?.rising], [7, 2, 14, true]);
 * ```
 */
export function risingTrend(loss: Float64Array, cycle = 0, noise = 0): RisingTrend | null {
  const { values, at, n, positive } = finiteSample(loss);
  if (n < 5) return null;
  const levelOf = (from: number, to: number) =>
    median(values.subarray(from, to) as unknown as number[]);
  // A curve that repeats (unshuffled data, warm restarts) is compared over whole cycles, so
  // that the end of the run is not just the hard part of an epoch.
  const stride = Math.max(1, Math.ceil(loss.length / EXPLAIN.risingSample));
  const span = Math.ceil(cycle / stride);
  const whole = span >= 1 && 3 * span <= n;
  const tail = Math.max(1, Math.round(n / EXPLAIN.risingTail), whole ? span : 0);
  const head = n - tail;
  const final = levelOf(head, n);
  const stretches = Math.min(
    EXPLAIN.risingStretches,
    head,
    whole ? Math.max(1, Math.floor(head / span)) : head,
  );
  const { lowest, lowestAt, highest, size } = lowestStretch(levelOf, head, stretches);
  const measure = positive ? Math.log : (x: number) => x;
  const descent = measure(highest) - measure(lowest);
  const rise = measure(final) - measure(lowest);
  let factor: number;
  if (positive) factor = final / lowest;
  else {
    const sorted = values.slice(0, n).sort();
    // The 10th–90th percentile spread.
    const spread = sorted[Math.floor(0.9 * (n - 1))] - sorted[Math.floor(0.1 * (n - 1))];
    factor = spread > 0 ? 1 + (final - lowest) / spread : 1;
  }
  // Still climbing, not recovering from a late spike: the last twentieth is not below the one
  // before it.
  const twentieth = Math.max(1, Math.round(n / EXPLAIN.recoveringPart), whole ? span : 0);
  const recovering = n >= EXPLAIN.recoveringMinPoints && 2 * twentieth <= n &&
    levelOf(n - twentieth, n) < EXPLAIN.recoveringDrop * levelOf(n - 2 * twentieth, n - twentieth);
  return {
    factor,
    final,
    lowest,
    lowestAt: at[lowestAt],
    highest,
    share: descent > 0 ? rise / descent : Infinity,
    rising: factor >= EXPLAIN.risingWarning && !recovering &&
      rise >= chanceRise(noise, tail, size, stretches),
  };
}

/**
 * The rise that the scatter of stretch medians reaches by chance: the lowest of S medians of m
 * points sits about √(2 ln S) standard errors below their level (1.2533 σ / √m for a median),
 * and the rise must stand `EXPLAIN.risingZ` standard errors beyond that.
 */
function chanceRise(noise: number, tail: number, size: number, stretches: number): number {
  const se = 1.2533 * noise * Math.sqrt(1 / tail + 1 / Math.max(1, size));
  return (Math.sqrt(2 * Math.log(Math.max(2, stretches))) + EXPLAIN.risingZ) * se;
}

/** The finite values on an evenly strided sample of at most `EXPLAIN.risingSample` points. */
function finiteSample(loss: Float64Array) {
  const stride = Math.max(1, Math.ceil(loss.length / EXPLAIN.risingSample));
  const values = new Float64Array(Math.ceil(loss.length / stride));
  const at = new Uint32Array(values.length);
  let n = 0, positive = true;
  for (let i = 0; i < loss.length; i += stride) {
    if (!Number.isFinite(loss[i])) continue;
    positive &&= loss[i] > 0;
    values[n] = loss[i];
    at[n++] = i;
  }
  return { values, at, n, positive };
}

/**
 * The lowest of `stretches` equal stretches of the first `head` values, and the highest one
 * before it.
 */
function lowestStretch(
  levelOf: (from: number, to: number) => number,
  head: number,
  stretches: number,
): { lowest: number; lowestAt: number; highest: number; size: number } {
  const levels: number[] = [];
  let lowest = Infinity, lowestAt = 0, lowestStretch = 0, size = 0;
  for (let s = 0; s < stretches; s++) {
    const from = Math.floor((s * head) / stretches), to = Math.floor(((s + 1) * head) / stretches);
    if (to <= from) continue;
    const level = levelOf(from, to);
    levels.push(level);
    if (level < lowest) {
      lowest = level;
      lowestAt = (from + to) >> 1;
      lowestStretch = levels.length - 1;
      size = to - from;
    }
  }
  const highest = Math.max(...levels.slice(0, lowestStretch + 1));
  return { lowest, lowestAt, highest, size };
}
