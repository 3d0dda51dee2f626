import { circularMean, modulo, type Period, seasonalFold } from "../period/mod.ts";
import { boundaryShape } from "./boundary_shape.ts";
import { epochPosition } from "./epoch_position.ts";
import { epochSignature, type Judgement } from "./find_spike_period.ts";
import { periodicityOf } from "./periodicity.ts";
import { isEpoch, type Prepared, readsRunningMean, spend } from "./prepare.ts";
import { type RunningMeanSignature, runningMeanSignature } from "./running_mean_signature.ts";
import { type Staircase, staircase } from "./staircase.ts";
import { LOCATE } from "./tuning.ts";
import type { EpochAlignment, Periodicity } from "./types.ts";

/** The period placed in steps and against the epoch. */
export interface Located {
  /** The period in points, re-read as a boundary spike when the shape is one. */
  found: Period | null;
  /** The period and the cycle its phase is taken in, in steps. */
  period: number | null;
  /** The cycle the phase is taken in (the epoch when aligned), in steps. */
  cycle: number | null;
  /** The phase in steps, within `cycle`. */
  phase: number | null;
  /** The running-mean test of the cycle, when it was folded. */
  signature: RunningMeanSignature | null;
  /** The steps at the period's boundaries, for a repeating shape (null otherwise). */
  stairs: Staircase | null;
  /** Whether the repeating profile restarts: one step of it a large part of its range. */
  restart: boolean;
  /** How the period sits against the epoch (null without an epoch length). */
  alignment: EpochAlignment | null;
  /** The period as the answer states it. */
  periodicity: Periodicity;
}

/**
 * The locate stage: where the period sits — its phase in steps, the epoch alignment, and
 * whether it is a running mean restarting or a boundary spike diluted in logged means.
 *
 * Why: a period alone does not name a cause; where its phase falls in the epoch does. The
 * running-mean signature (`running_mean_signature.ts`) is checked when the period is a shape,
 * dips, or a spike train whose sign changes from epoch to epoch; it is folded at the epoch's
 * exact length when the period is the epoch, else (a point a step) at the whole number of steps
 * within `LOCATE.wholeStep` of the period (a period found 1 % off smears the restart over the
 * bins within a few dozen cycles). A shape at the epoch whose variance sits in the boundary's
 * point is that boundary's spike or dip, diluted in logged means (`boundary_shape.ts`), and is
 * answered as one. The phase is taken within the epoch's exact length when the period is the
 * epoch: spikes at step 334 of every 335, folded at 334.9, would drift to the next epoch's
 * first step. A repeating shape that is no running mean is measured as a staircase too
 * (`staircase.ts`): a level that steps down at each cycle's start and holds.
 *
 * Cost: O(n + P).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { findSpikePeriod } from "./find_spike_period.ts";
 * import { locate } from "./locate.ts";
 * import { prepare } from "./prepare.ts";
 * import { stepAxis } from "./step_axis.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples in batches of 32): a falling loss with 1 % noise,
 * // 4× at the last step of every epoch (a loss normalised twice, on a last batch of 8)
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const prepared = prepare(loss, { datasetSize: 5000, batchSize: 32 }, stepAxis(1570), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * assertEquals([located.period, located.cycle], [157, 157]);
 * assertEquals(located.alignment?.position, "last-step");
 * assertEquals(located.periodicity.period, 157);
 * ```
 */
export function locate(prepared: Prepared, judgement: Judgement): Located {
  const { axis, epoch } = prepared;
  if (judgement.found) spend(prepared, 4); // the signature, the staircase, the profile's folds
  let { found, method } = judgement;
  const period = found ? found.period * axis.stride : null;
  let signature = found && period !== null ? signatureOf(prepared, found, period) : null;
  const aligned = isEpoch(prepared, period);
  const cycle = period !== null && epoch && aligned ? epoch.layout.stepsPerEpoch : period;
  // At the epoch's boundaries when the period is the epoch, else at the reset train's phase.
  const stairs = found?.kind === "shape" && cycle !== null &&
      (!signature?.runningMean || signature.jumpOnly)
    ? staircase(
      prepared,
      cycle,
      aligned || found.matched.length === 0 ? 0 : startPhase(prepared, found, cycle),
    )
    : null;
  // A running mean by its jump alone, with visible noise that does not decay, is a staircase
  // where one holds.
  if (signature?.jumpOnly && stairs?.holds) signature = { ...signature, runningMean: false };
  // A staircase's boundary point holds much of the epoch's profile, but it is a step, not a
  // spike diluted in logged means.
  const edge = found && !signature?.runningMean && !stairs?.holds
    ? boundaryEdge(prepared, found, period)
    : null;
  if (found && edge) [found, method] = [edge.found, `${method}; ${edge.note}`];
  const phase = found === null || cycle === null
    ? null
    : signature?.runningMean && readsRunningMean(prepared, period) && prepared.undone
    // Running means of the epoch restart at its first batch, whatever their points' spacing.
    ? prepared.undone.origin
    : found.matched.length > 0
    ? circularMean(found.matched.map(axis.stepOf), cycle)
    : modulo(axis.stepOf(Math.round(signature!.resetPhase)), cycle);
  const alignment = epoch ? alignmentOf(prepared, found, phase, aligned) : null;
  // A train at the first step is answered at the first step (its onset), not where its decay
  // peaked in the logged points.
  const onset = alignment?.position === "first-step" ? 0 : phase;
  const periodicity = periodicityOf(found, period, onset, cycle, method, axis.stride);
  return {
    found,
    period,
    cycle,
    phase,
    signature,
    stairs: edge ? null : stairs,
    // Read only for a repeating profile with no epoch to tell it (`read_period.ts`).
    restart: found && !epoch && (found.kind === "shape" || found.smoothness !== null)
      ? restarts(prepared, found)
      : false,
    alignment,
    periodicity,
  };
}

/**
 * The running-mean signature, when the period could be one: a shape, dips, or spikes whose
 * sign changes between epochs (a spike with a momentum tail decays alike but never dips).
 */
function signatureOf(
  prepared: Prepared,
  found: Period,
  period: number,
): RunningMeanSignature | null {
  const { residuals, axis, epoch } = prepared;
  if (found.kind === "spikes-up" && mixedSigns(residuals.z, found) < LOCATE.mixedShare) {
    return null;
  }
  if (epoch && isEpoch(prepared, period)) {
    return declaredOr(prepared, period, epochSignature(prepared));
  }
  const foldAt = axis.stride === 1 && Math.abs(period - Math.round(period)) <= LOCATE.wholeStep
    ? Math.max(2, Math.round(period))
    : found.period;
  const signature = runningMeanSignature(
    residuals.values,
    residuals.finite,
    foldAt,
    axis.stride > 1,
  );
  // Declared by the body (a Keras or torchvision log): a running mean at the epoch, proven or not.
  return declaredOr(prepared, period, signature);
}

/**
 * Declared by the body (a Keras or torchvision log): a running mean at the epoch, proven or
 * not.
 */
function declaredOr(
  prepared: Prepared,
  period: number,
  signature: RunningMeanSignature,
): RunningMeanSignature {
  const declared = readsRunningMean(prepared, period);
  return declared ? { ...signature, runningMean: true, jumpOnly: false } : signature;
}

/**
 * Whether the profile folded at the period (less a moving average of one period, so that a
 * profile wider than the robust trend is whole) restarts: it changes by `LOCATE.restartRange`
 * of its range within `LOCATE.restartWidth` of the cycle — a warm restart's rise or a shard's
 * start, where the harmonics of a difficulty order change gradually (the third harmonic moves
 * less than a quarter of the range so fast).
 */
function restarts(prepared: Prepared, found: Period): boolean {
  if (!(found.period >= 4)) return false;
  const { values, finite } = prepared.residuals;
  const { profile } = seasonalFold(values, finite, found.period);
  const bins = profile.length;
  const w = Math.max(1, Math.round(LOCATE.restartWidth * bins));
  let largest = 0, high = -Infinity, low = Infinity;
  for (let b = 0; b < bins; b++) {
    largest = Math.max(largest, Math.abs(profile[(b + w) % bins] - profile[b]));
    high = Math.max(high, profile[b]);
    low = Math.min(low, profile[b]);
  }
  return largest >= LOCATE.restartRange * (high - low);
}

/** The step phase of a reset train's matched points, within `cycle` steps. */
function startPhase(prepared: Prepared, found: Period, cycle: number): number {
  return circularMean(found.matched.map(prepared.axis.stepOf), cycle);
}

/** A shape at the epoch that is one boundary point standing out, re-read as that point's spikes. */
function boundaryEdge(
  prepared: Prepared,
  found: Period,
  period: number | null,
): { found: Period; note: string } | null {
  const { epoch, residuals } = prepared;
  if (found.kind !== "shape" || !epoch || !isEpoch(prepared, period)) return null;
  const edge = boundaryShape(residuals.z, residuals.finite, epoch.points, epoch.last, epoch.first);
  if (!edge) return null;
  const indices = (edge.side === "last" ? epoch.last : epoch.first).indices;
  return {
    found: {
      ...found,
      kind: edge.direction === "up" ? "spikes-up" : "spikes-down",
      phase: circularMean(indices, found.period),
      matched: indices,
      smoothness: null,
    },
    note: `the shape is the ${edge.side} point of each epoch (${
      (100 * edge.share).toFixed(0)
    } % of its variance)`,
  };
}

function alignmentOf(
  prepared: Prepared,
  found: Period | null,
  phase: number | null,
  aligned: boolean,
): EpochAlignment {
  const { layout, last, first } = prepared.epoch!;
  const [position, alternative] = epochPosition(
    found,
    phase,
    layout.stepsPerEpoch,
    prepared.axis.stride,
    aligned,
    last,
    first,
    layout.lastBatchSize !== null && layout.lastBatchSize === layout.batchSize,
  );
  return {
    steps_per_epoch: layout.stepsPerEpoch,
    last_batch_size: layout.lastBatchSize,
    aligned,
    position,
    alternative,
  };
}

/** Share of a spike train's cycles holding a dip (z ≤ −3.5) at the spikes' phase. */
function mixedSigns(z: Float64Array, found: Period): number {
  let dips = 0, cycles = 0;
  const reach = LOCATE.dipReach;
  for (let at = found.phase; at < z.length; at += found.period, cycles++) {
    const from = Math.max(0, Math.ceil(at - reach));
    for (let i = from; i <= Math.min(z.length - 1, at + reach); i++) {
      if (z[i] <= LOCATE.dipZ) {
        dips++;
        break;
      }
    }
  }
  return cycles > 0 ? dips / cycles : 0;
}
