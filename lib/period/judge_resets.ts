import { extremes } from "../series/mod.ts";
import { promising } from "./cycle_checks.ts";
import { type EventFold, lockPeriod } from "./event_fold.ts";
import type { Period } from "./find_period.ts";
import { fundamental } from "./fundamental.ts";
import type { ShapeSignals, Shifts } from "./judge_shapes.ts";
import { eventCap, type Search, strongest, toleranceOf } from "./search.ts";
import { JUDGE } from "./tuning.ts";

/**
 * The reset judge: a jump of either sign at one phase of most cycles — a running mean
 * restarting — seen as a spike or as a shift of the level.
 *
 * Why: a running mean that restarts every epoch jumps up in some epochs and down in others, so
 * neither spike train alone holds; folded together, the restarts sit at one phase. A level
 * shift is seen only where `shifts.width` points exist on both sides: its train is folded over
 * that span, so that the first and last cycles are not counted as misses. A later train
 * replaces an earlier one only when `JUDGE.resetLead` times stronger.
 *
 * Cost: O(proposals · E log E); each fold is announced to the search's checkpoint first.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { judgeResets } from "./judge_resets.ts";
 * import { proposeShapes } from "./judge_shapes.ts";
 * import { startSearch } from "./search.ts";
 * import { JUDGE } from "./tuning.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // a running mean restarting every 40 points: up in odd epochs, down in even ones
 * const z = Float64Array.from({ length: 800 }, (_, i) => i % 40 ? noise() : (i / 40) % 2 ? 7 : -7);
 * const finite = new Uint8Array(800).fill(1);
 * const { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained } = JUDGE;
 * const settings = { eventThreshold, maxLogP, minHitShare, minShapeZ, minExplained };
 * const search = startSearch(z, finite, settings);
 * const resets = judgeResets(search, proposeShapes(search, undefined, undefined), undefined);
 * assertEquals([resets?.period, resets?.phase, resets?.hits], [40, 0, 20]); // every epoch's start
 * ```
 */
export function judgeResets(
  search: Search,
  signals: ShapeSignals,
  shifts: Shifts | undefined,
): Period | null {
  const trains = [{ train: search.events, offset: 0 }];
  if (signals.steps && shifts) {
    trains.push({
      train: strongest(extremes(signals.steps, search.settings.eventThreshold), eventCap(search.n)),
      offset: shifts.width,
    });
  }
  const trials = 2 * search.proposals.length * trains.length;
  let resets: EventFold | null = null;
  for (const { train, offset } of trains) {
    const found = foldResets(search, train, offset, trials, resets);
    if (found) resets = found;
  }
  if (!resets) return null;
  return {
    period: resets.period,
    phase: resets.phase,
    kind: "shape",
    hits: resets.hits,
    cycles: resets.cycles,
    logP: resets.logP,
    strength: resets.hits / resets.cycles,
    matched: resets.matched,
    proposals: search.proposals.length,
    smoothness: null,
  };
}

/** Folds one train of jumps (both signs) at every proposal; the best beyond `incumbent`. */
function foldResets(
  search: Search,
  train: { index: number; z: number }[],
  offset: number,
  trials: number,
  incumbent: EventFold | null,
): EventFold | null {
  const { settings } = search;
  const both = Float64Array.from(train, (e) => e.index - offset);
  const sizes = Float64Array.from(train, (e) => Math.abs(e.z));
  const span = search.n - 2 * offset;
  const tolerance = toleranceOf(search);
  let best = incumbent, improved: EventFold | null = null;
  const { spend } = search;
  for (const proposal of search.proposals) {
    if (!promising(both, span, proposal, tolerance, settings.minHitShare, undefined, spend)) {
      continue;
    }
    const fold = lockPeriod(both, span, proposal, tolerance, trials, sizes, undefined, spend);
    if (
      fold && fold.logP <= settings.maxLogP && fold.hits >= JUDGE.minHits &&
      fold.hits / fold.cycles >= settings.minHitShare &&
      (!best || fold.hits / fold.cycles > JUDGE.resetLead * (best.hits / best.cycles))
    ) {
      const f = fundamental(fold, both, span, trials, sizes, undefined, spend);
      best = improved = {
        ...f,
        phase: (f.phase + offset) % f.period,
        matched: f.matched.map((i) => i + offset),
      };
    }
  }
  return improved;
}
