/**
 * Steps per epoch from what a framework logs beside each step: a fractional epoch (Hugging Face,
 * LLaMA-Factory) or the epoch number a step belongs to (Lightning).
 *
 * Why: an epoch-length period is the first thing the spike analysis tests, and a person rarely
 * knows their steps per epoch; the framework's own file does. Both estimates intersect the
 * interval every logged point allows, so they need no fixed tolerance:
 * - a fractional epoch e written with d decimals (Hugging Face rounds to 2 before v4.38) says the
 *   true epoch lies in e ± 0.5·10⁻ᵈ, so steps per epoch lies in [s / (e + δ), s / (e − δ)];
 *   the intersection over all points is a narrow interval (its width falls as 1/e), and the
 *   integer nearest its middle is the answer. An empty intersection (the epoch counts batches
 *   and the step optimizer updates, under gradient accumulation) falls back to the least-squares
 *   slope through the origin, Σ s·e / Σ e², which the late, large epochs dominate.
 * - an epoch number e of step s (0-based) says e·S ≤ s < (e + 1)·S; a row of epoch-level metrics
 *   (`*_epoch`, logged at an epoch's last step) pins S = (s + 1)/(e + 1) exactly.
 *
 * Cost: O(n). Returns null when the points do not determine the length (fewer than one epoch, or
 * an interval wider than 4 % of its middle).
 *
 * @example
 * ```ts
 * stepsFromFractionalEpochs([25, 500, 5000], [0.06, 1.22, 12.22]); // 409
 * stepsFromEpochIndices([49, 246, 249, 493], [0, 0, 1, 1], [246, 493]); // 247
 * ```
 */

/** Widest interval, relative to its middle, still answered (4 %: the epoch test's own slack). */
const MAX_RELATIVE_WIDTH = 0.04;

/** Steps per epoch from fractional epochs written beside the steps. */
export function stepsFromFractionalEpochs(
  steps: ArrayLike<number>,
  epochs: ArrayLike<number>,
): number | null {
  let lo = 0, hi = Infinity, se = 0, ee = 0, maxEpoch = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i], e = epochs[i];
    if (!(e > 0) || !(s > 0) || !Number.isFinite(s) || !Number.isFinite(e)) continue;
    const slack = halfUnit(e) + 1e-9 * e;
    lo = Math.max(lo, s / (e + slack));
    if (e > slack) hi = Math.min(hi, s / (e - slack));
    se += s * e;
    ee += e * e;
    maxEpoch = Math.max(maxEpoch, e);
  }
  if (maxEpoch < 1 || ee === 0) return null;
  if (lo <= hi && Number.isFinite(hi)) return pick(lo, hi);
  const slope = se / ee;
  return slope >= 1 ? Math.round(slope) : null;
}

/**
 * Steps per epoch from 0-based steps and the epoch each belongs to; `epochEnds` are the steps of
 * rows logged at an epoch's end (epoch-level metrics), which fix the length when they agree.
 */
export function stepsFromEpochIndices(
  steps: ArrayLike<number>,
  epochs: ArrayLike<number>,
  epochEnds: ArrayLike<number> = [],
): number | null {
  let lo = 0, hi = Infinity, maxEpoch = 0;
  const epochOf = new Map<number, number>();
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i], e = epochs[i];
    if (!Number.isInteger(e) || e < 0 || !Number.isFinite(s) || s < 0) continue;
    lo = Math.max(lo, Math.floor(s / (e + 1)) + 1);
    if (e > 0) hi = Math.min(hi, Math.floor(s / e));
    maxEpoch = Math.max(maxEpoch, e);
    epochOf.set(s, e);
  }
  if (maxEpoch < 1 || lo > hi) return null;
  const pinned = new Set<number>();
  for (let i = 0; i < epochEnds.length; i++) {
    const e = epochOf.get(epochEnds[i]);
    if (e !== undefined) pinned.add((epochEnds[i] + 1) / (e + 1));
  }
  if (pinned.size === 1) {
    const [value] = pinned;
    if (Number.isInteger(value) && value >= lo && value <= hi) return value;
  }
  return pick(lo, hi);
}

/** The integer nearest the middle of [lo, hi], or null when the interval is too wide. */
function pick(lo: number, hi: number): number | null {
  const middle = (lo + hi) / 2;
  if (!(middle >= 1) || (hi - lo) / middle > MAX_RELATIVE_WIDTH) return null;
  const nearest = Math.round(middle);
  return nearest >= lo - 0.5 && nearest <= hi + 0.5 ? nearest : null;
}

/** Half a unit in the last decimal place of `x` as JavaScript writes it (0.005 for 0.06). */
function halfUnit(x: number): number {
  const text = String(x);
  const e = text.indexOf("e");
  const mantissa = e >= 0 ? text.slice(0, e) : text;
  const exponent = e >= 0 ? Number(text.slice(e + 1)) : 0;
  const dot = mantissa.indexOf(".");
  const decimals = dot >= 0 ? mantissa.length - dot - 1 : 0;
  return 0.5 * 10 ** (exponent - decimals);
}
