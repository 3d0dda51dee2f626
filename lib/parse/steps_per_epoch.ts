/** Widest interval, relative to its middle, still answered (4 %: the epoch test's own slack). */
const MAX_RELATIVE_WIDTH = 0.04;

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
 * import { assertEquals } from "@std/assert";
 * import { stepsFromFractionalEpochs } from "./steps_per_epoch.ts";
 * // epochs rounded to 2 decimals: 5000 / 12.22 alone allows 409.0…409.2, and 500 / 1.22 the rest
 * assertEquals(stepsFromFractionalEpochs([25, 500, 5000], [0.06, 1.22, 12.22]), 409);
 * assertEquals(stepsFromFractionalEpochs([25, 50], [0.06, 0.12]), null); // less than an epoch
 * ```
 */
export function stepsFromFractionalEpochs(
  steps: ArrayLike<number>,
  epochs: ArrayLike<number>,
): number | null {
  const bounds = new FractionalEpochs();
  for (let i = 0; i < steps.length; i++) bounds.add(steps[i], epochs[i]);
  return bounds.stepsPerEpoch();
}

/**
 * {@linkcode stepsFromFractionalEpochs} one point at a time: a reader streams its (step, epoch)
 * pairs in, and keeps five numbers instead of two arrays as long as the file.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FractionalEpochs } from "./steps_per_epoch.ts";
 * const epochs = new FractionalEpochs();
 * for (const [step, epoch] of [[25, 0.06], [500, 1.22], [5000, 12.22]]) epochs.add(step, epoch);
 * assertEquals(epochs.stepsPerEpoch(), 409);
 * ```
 */
export class FractionalEpochs {
  #lo = 0;
  #hi = Infinity;
  #se = 0;
  #ee = 0;
  #maxEpoch = 0;

  /** Takes step `s` at fractional epoch `e` (ignored unless both are positive and finite). */
  add(s: number, e: number): void {
    if (!(e > 0) || !(s > 0) || !Number.isFinite(s) || !Number.isFinite(e)) return;
    const slack = halfUnit(e) + 1e-9 * e;
    this.#lo = Math.max(this.#lo, s / (e + slack));
    if (e > slack) this.#hi = Math.min(this.#hi, s / (e - slack));
    this.#se += s * e;
    this.#ee += e * e;
    this.#maxEpoch = Math.max(this.#maxEpoch, e);
  }

  /** The steps per epoch the points so far determine, or null. */
  stepsPerEpoch(): number | null {
    if (this.#maxEpoch < 1 || this.#ee === 0) return null;
    if (this.#lo <= this.#hi && Number.isFinite(this.#hi)) return pick(this.#lo, this.#hi);
    const slope = this.#se / this.#ee;
    return slope >= 1 ? Math.round(slope) : null;
  }
}

/**
 * Steps per epoch from 0-based steps and the epoch each belongs to; `epochEnds` are the steps of
 * rows logged at an epoch's end (epoch-level metrics), which fix the length when they agree. An
 * epoch number e of step s says e·S ≤ s < (e + 1)·S; an epoch-end row pins S = (s + 1)/(e + 1).
 * Null when the points do not determine the length (see {@linkcode stepsFromFractionalEpochs}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { stepsFromEpochIndices } from "./steps_per_epoch.ts";
 * // steps 246 and 493 end epochs 0 and 1: (246 + 1)/(0 + 1) = (493 + 1)/(1 + 1) = 247
 * assertEquals(stepsFromEpochIndices([49, 246, 249, 493], [0, 0, 1, 1], [246, 493]), 247);
 * ```
 */
export function stepsFromEpochIndices(
  steps: ArrayLike<number>,
  epochs: ArrayLike<number>,
  epochEnds: ArrayLike<number> = [],
): number | null {
  const ends = new Set(Array.from(epochEnds));
  const bounds = new EpochIndices();
  for (let i = 0; i < steps.length; i++) bounds.add(steps[i], epochs[i], ends.has(steps[i]));
  return bounds.stepsPerEpoch();
}

/**
 * {@linkcode stepsFromEpochIndices} one row at a time, in the file's order (a `CSVLogger` writes
 * steps in order, so the rows of one step come together): `epochEnd` marks a row logged at an
 * epoch's end. The epoch of a step is that of its last row, as when the rows are looked up by
 * step; a step is pinned when its rows are over (the next step begins, or the end). Keeps a few
 * numbers, not a map of every step.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { EpochIndices } from "./steps_per_epoch.ts";
 * const rows = new EpochIndices();
 * rows.add(49, 0);
 * rows.add(246, 0, true); // an epoch-level metric: step 246 ends epoch 0
 * rows.add(249, 1);
 * assertEquals(rows.stepsPerEpoch(), 247);
 * ```
 */
export class EpochIndices {
  #lo = 0;
  #hi = Infinity;
  #maxEpoch = 0;
  // The step whose rows are being read: its last valid epoch, and whether one row ended an epoch.
  #step = NaN;
  #epoch: number | undefined = undefined;
  #end = false;
  // The length the epoch-end rows pin: the first, and whether another disagreed.
  #pinned: number | undefined = undefined;
  #disagree = false;

  /** Takes step `s` of epoch `e`; `epochEnd` marks a row logged at an epoch's end. */
  add(s: number, e: number, epochEnd = false): void {
    if (s !== this.#step) this.#close(s);
    if (epochEnd) this.#end = true;
    if (!Number.isInteger(e) || e < 0 || !Number.isFinite(s) || s < 0) return;
    this.#lo = Math.max(this.#lo, Math.floor(s / (e + 1)) + 1);
    if (e > 0) this.#hi = Math.min(this.#hi, Math.floor(s / e));
    this.#maxEpoch = Math.max(this.#maxEpoch, e);
    this.#epoch = e;
  }

  /** The steps per epoch the rows so far determine, or null (closes the current step). */
  stepsPerEpoch(): number | null {
    this.#close(NaN);
    const lo = this.#lo, hi = this.#hi;
    if (this.#maxEpoch < 1 || lo > hi) return null;
    const value = this.#pinned;
    if (value !== undefined && !this.#disagree) {
      if (Number.isInteger(value) && value >= lo && value <= hi) return value;
    }
    return pick(lo, hi);
  }

  /** Ends the rows of the current step (pinning it when it ended an epoch), starts `next`'s. */
  #close(next: number): void {
    if (this.#end && this.#epoch !== undefined) {
      const value = (this.#step + 1) / (this.#epoch + 1);
      if (this.#pinned === undefined) this.#pinned = value;
      else if (value !== this.#pinned) this.#disagree = true;
    }
    this.#step = next;
    this.#epoch = undefined;
    this.#end = false;
  }
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
