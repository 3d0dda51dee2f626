/**
 * The propose-and-judge stage of the spike analysis: the period of the series, or none.
 *
 * Why: three views, each tried when the one before found nothing that fits. The fine view is
 * the period search on the robust z-scores (`../period/find_period.ts`: autocorrelation
 * proposals judged by fold tests, with the level shifts as a further signal). A slow shape
 * that the trend absorbs is sought on block medians (`coarse_period.ts`). And when the epoch
 * is known and the period found is not it, the epoch itself is folded (`foldAtEpoch`: one
 * period and two phases, not thousands of trials), so a weak but regular boundary spike that
 * the blind search cannot tell from noise is still found.
 *
 * Cost: the period search's O(n + m log m), plus the coarse views' on n/8 and n/64 points.
 *
 * @example
 * ```ts
 * findSpikePeriod(prepare(loss, {}, stepAxis(loss.length), null)).found?.period; // 157.0
 * ```
 */
import { findPeriod, type Period } from "../period/mod.ts";
import { coarsePeriod } from "./coarse_period.ts";
import { foldAtEpoch } from "./epoch_position.ts";
import { levelShifts } from "./level_shifts.ts";
import { isEpoch, type Prepared } from "./prepare.ts";
import { PREPARE } from "./tuning.ts";

/** The period found (in points) and how. */
export interface Judgement {
  found: Period | null;
  method: string;
}

export function findSpikePeriod(prepared: Prepared): Judgement {
  const { residuals, options, epoch, axis } = prepared;
  options.checkpoint?.();
  let found = findPeriod(
    residuals.z,
    residuals.finite,
    { checkpoint: options.checkpoint },
    residuals.values,
    { compute: () => levelShifts(residuals, PREPARE.shiftWidth), width: PREPARE.shiftWidth },
  );
  options.checkpoint?.();
  let method = "autocorrelation proposals judged by fold tests";
  if (!found) {
    found = coarsePeriod(prepared.loss, undefined, options.checkpoint);
    if (found) method += ", on block medians (a slow shape)";
  }
  // The epoch, when known, is tested directly too: one period and two phases, not thousands.
  if (epoch && !isEpoch(prepared, found ? found.period * axis.stride : null)) {
    const { z, finite } = residuals;
    const targeted = foldAtEpoch(
      z,
      finite,
      epoch.last,
      epoch.first,
      epoch.layout.stepsPerEpoch,
      epoch.points,
    );
    if (targeted) return { found: targeted, method: "fold at the given epoch length" };
  }
  return { found, method };
}
