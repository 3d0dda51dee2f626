import { mean, median } from "simple-statistics";
import type { Prepared } from "./prepare.ts";
import { LOCATE, PREPARE } from "./tuning.ts";

/** The steps at the epoch boundaries. */
export interface Staircase {
  /** Boundaries measured, and those that are a stair (see above). */
  boundaries: number;
  /** The boundaries that are a stair. */
  drops: number;
  /** The change across each boundary (analysis domain: a ln ratio for a positive loss). */
  steps: number[];
  /** The median change across the boundaries, and the pooled z of their steps beyond the drift. */
  step: number;
  /** The pooled z of the steps beyond the drift (Stouffer's). */
  z: number;
  /** The first point of each epoch measured. */
  indices: number[];
  /** Whether the steps are ln ratios (`log`) or in the loss's units (`linear`). */
  domain: "log" | "linear";
  /** Whether the staircase holds (most boundaries stairs, the median a drop, the pooled z low). */
  holds: boolean;
}

/**
 * Whether the loss steps down at the start of every epoch and stays flat within it — the
 * staircase of a multi-epoch fine-tune, where the model meets the same examples again.
 *
 * Why: at each boundary the level of the first quarter of the new epoch is compared with the
 * last quarter of the old one (means of points clipped to ±3 noise scales around the trend, so
 * a spike is not a step; the point that straddles the boundary left out). A smooth curve changes
 * across the boundary as much as over any quarter of an epoch: a quarter of the change between
 * the two epochs' means. The excess beyond that is the step. A boundary is a stair when its step
 * is a drop of `LOCATE.stairDrop` or more and the new epoch does not climb back
 * `LOCATE.stairHold` of it by its end: data in the same order every epoch (a sawtooth profile)
 * drops at the boundary too, but climbs back within the epoch. The staircase holds when most
 * boundaries are stairs, the median step is a drop of `LOCATE.stairDrop`, and the steps, pooled
 * over the boundaries (Stouffer's z against the scatter of a mean of w points, `Residuals.scatter`), are below
 * −`LOCATE.stairZ`. Levels are compared in the analysis domain (ln(loss) when the loss is
 * positive).
 *
 * Cost: O(epochs · w log w) after a binary search per window.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { prepare } from "./prepare.ts";
 * import { staircase } from "./staircase.ts";
 * import { stepAxis } from "./step_axis.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 3 epochs of 800 steps logged every 50 (16 points), the level 0.33 → 0.25 → 0.20 at the
 * // epoch starts, flat within
 * const levels = [0.33, 0.25, 0.2];
 * const loss = Float64Array.from(
 *   { length: 48 },
 *   (_, i) => levels[Math.floor(i / 16)] * (1 + 0.002 * noise()),
 * );
 * const prepared = prepare(loss, { stepsPerEpoch: 800, logEvery: 50 }, stepAxis(48, undefined, 50), null);
 * const stairs = staircase(prepared, 800);
 * assertEquals([stairs?.holds, stairs?.boundaries, stairs?.drops, stairs?.domain], [true, 2, 2, "log"]);
 * ```
 */
export function staircase(
  prepared: Prepared,
  stepsPerEpoch: number,
  phase = 0,
): Staircase | null {
  const { axis, residuals } = prepared;
  const w = Math.max(1, Math.floor((stepsPerEpoch / axis.stride) * LOCATE.stairWindow));
  const level = levels(prepared);
  const end = axis.stepOf(prepared.loss.length - 1) + axis.stride;
  const drop = dropIn(prepared, LOCATE.stairDrop);
  const steps: number[] = [], excesses: number[] = [], indices: number[] = [];
  let zSum = 0, stairs = 0;
  const first = axis.stepOf(0);
  const from = phase + stepsPerEpoch * Math.max(1, Math.ceil((first - phase) / stepsPerEpoch));
  for (let b = from; b < end; b += stepsPerEpoch) {
    // The new epoch's points: from the first wholly after the boundary (the one straddling it
    // holds both epochs) to the next boundary or the run's end.
    const next = Math.min(b + stepsPerEpoch, end), start = b + axis.stride - 1;
    const last = level(b - stepsPerEpoch, b, -w), first = level(start, next, w);
    const old = level(b - stepsPerEpoch, b, Infinity), now = level(start, next, Infinity);
    const close = level(start, next, -w);
    if (!last || !first || !old || !now || !close) continue;
    // The change across the boundary beyond a smooth curve's over the quarter of an epoch
    // between the two windows (a quarter of the change between the epochs' means).
    const across = first.mean - last.mean, excess = across - (now.mean - old.mean) / 4;
    steps.push(across);
    excesses.push(excess);
    indices.push(first.from);
    const se = residuals.scatter * Math.sqrt(1 / last.count + 1 / first.count);
    zSum += se > 0 ? excess / se : 0;
    // A stair: a step a person sees, that the new epoch does not climb back by half by its end.
    if (excess <= drop && close.mean - first.mean <= -LOCATE.stairHold * excess) stairs++;
  }
  if (steps.length === 0) return null;
  const step = median(steps);
  const z = zSum / Math.sqrt(steps.length);
  const holds = z <= -LOCATE.stairZ && stairs >= LOCATE.stairShare * steps.length &&
    median(excesses) <= drop;
  const domain = residuals.domain;
  return { boundaries: steps.length, drops: stairs, steps, step, z, indices, domain, holds };
}

/** A relative drop as a change in the analysis domain (ln, or a share of the typical level). */
function dropIn(prepared: Prepared, drop: number): number {
  const { domain, values, finite } = prepared.residuals;
  if (domain === "log") return Math.log(1 - drop);
  let sum = 0, count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!finite[i]) continue;
    sum += Math.abs(values[i]);
    count++;
  }
  return -drop * (count > 0 ? sum / count : 0);
}

/**
 * The mean level of the points whose step is in [from, to): of the first `count` finite ones
 * (the last −count when negative; all for Infinity); null when fewer than min(|count|, 3) exist. Each
 * point is clipped to ±3 noise scales around the trend, so a spike in a window is not a step.
 */
function levels(prepared: Prepared) {
  const { axis, residuals } = prepared;
  const { trend, z, scale, finite } = residuals;
  const n = trend.length;
  const clip = PREPARE.shiftClip;
  const value = (i: number) => trend[i] + Math.max(-clip, Math.min(clip, z[i])) * scale[i];
  return (
    from: number,
    to: number,
    count: number,
  ): { mean: number; from: number; count: number } | null => {
    const lo = firstAtOrAfter(axis.stepOf, n, from), hi = firstAtOrAfter(axis.stepOf, n, to);
    const want = Math.abs(count), taken: number[] = [];
    const backwards = count < 0;
    for (let k = 0; k < hi - lo && taken.length < want; k++) {
      const i = backwards ? hi - 1 - k : lo + k;
      if (finite[i]) taken.push(value(i));
    }
    // A window a part of the run cuts short (an excerpt, a short first or last epoch) keeps
    // what there is, down to `LOCATE.stairMinWindow` points.
    if (taken.length < Math.min(want, LOCATE.stairMinWindow)) return null;
    return { mean: mean(taken), from: lo, count: taken.length };
  };
}

/** The first point whose step is at least `step` (n when there is none). */
function firstAtOrAfter(stepOf: (i: number) => number, n: number, step: number): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stepOf(mid) < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
