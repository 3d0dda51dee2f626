/**
 * Which points are spikes, and which of them follow no period (isolated).
 *
 * Why: a spike is a point far from its trend (|z| ≥ `LIST.spikeZ`), or a jump far above the
 * trend before it (the onset score: a spike with a slow recovery, such as a learning-rate
 * spike, lifts the centred trend with it). A spike of a periodic train carries a momentum
 * tail: points a few steps after it that still stand out are part of the same event, not
 * spikes of their own. A spike is isolated when it is far from the train's phase, stands
 * `LIST.isolatedFactor` times above the series' own tail of |z| (a heavy-tailed series spikes
 * often) — or past the spike bar at `LIST.bigRatio` times the points before it —, changes the loss by at least 10 %, and is neither a running mean's restart (or one of the
 * first points after it) nor part of a blow-up the run never came back from (`excursions.ts`). A point is listed only when it departs from
 * the median of the points before it (its baseline) in its direction: the first logged point
 * has none, and on a steep descent a point above the centred trend may sit below the points
 * before it.
 *
 * Cost: O(n) plus a quantile of at most 100 000 points.
 *
 * @example
 * ```ts
 * const { spikes, isolated } = listSpikes(prepared, located);
 * isolated[0]?.step; // 5310 for the lr_spike_single run
 * ```
 */
import { quantile } from "simple-statistics";
import { circularDistance, modulo, type Period } from "../period/mod.ts";
import { extremes } from "../series/mod.ts";
import { precedingMedian } from "./boundary_ratios.ts";
import type { Excursion } from "./excursions.ts";
import type { Located } from "./locate.ts";
import type { Prepared } from "./prepare.ts";
import { LIST, LOCATE } from "./tuning.ts";
import type { Spike } from "./types.ts";

/** The spikes listed, and those that follow no period. */
export interface SpikeList {
  spikes: Spike[];
  isolated: Spike[];
}

/**
 * `excursions`: where the loss blew up — the points of one it never came back from are the
 * divergence, not isolated spikes (a burst it came back from is both: a spike with no period,
 * and an instability).
 */
export function listSpikes(
  prepared: Prepared,
  located: Located,
  excursions: readonly Excursion[] = [],
): SpikeList {
  const { residuals } = prepared;
  const { z, onset, finite } = residuals;
  const found = located.found;
  const isolatedBar = Math.max(LIST.spikeZ, LIST.isolatedFactor * tailQuantile(z, finite));
  const onsets = extremes(onset, isolatedBar).filter((e) => e.direction === "up");
  const events = [...extremes(z, LIST.spikeZ), ...onsets];
  // A staircase's matched points are the first of each epoch: steps, not spikes.
  const periodic = new Set(located.stairs?.holds ? [] : found?.matched ?? []);
  const spikes: Spike[] = [], isolated: Spike[] = [];
  const listed = new Set<number>();
  const inTail = momentumTail(z, found);
  const inRestart = restartZone(located);
  for (const index of [...events.map((e) => e.index), ...periodic].sort((a, b) => a - b)) {
    if (listed.has(index) || (!periodic.has(index) && inTail(index))) continue;
    listed.add(index);
    const spike = spikeAt(prepared, index);
    if (!standsOut(spike)) continue;
    spikes.push(spike);
    const nearPeriodic = found !== null && found.kind !== "shape" &&
      circularDistance(index, found.phase, found.period) <= LIST.nearPhase;
    const jump = Math.abs(Math.log(Math.abs(spike.ratio)));
    // Past the series' own tail of |z|; or, past the spike bar, 3× the points before it: a
    // jump a person sees whatever the noise's tail (in a short series whose spikes are a tenth
    // of its points, the tail quantile is the spikes themselves).
    const stands = Math.abs(spike.z) >= isolatedBar ||
      (Math.abs(spike.z) >= LIST.spikeZ && jump >= Math.log(LIST.bigRatio));
    const blowUp = excursions.some((x) => !x.recovered && index >= x.from && index <= x.to);
    if (!nearPeriodic && !inRestart(index) && !blowUp && stands && jump >= LIST.isolatedLogRatio) {
      isolated.push(spike);
    }
  }
  return { spikes, isolated };
}

/** The spike at point `index`: its step, value, baseline, ratio and score. */
function spikeAt(prepared: Prepared, index: number): Spike {
  const { loss, residuals, axis } = prepared;
  const { z, onset } = residuals;
  const baseline = precedingMedian(loss, index);
  const score = Math.abs(onset[index]) > Math.abs(z[index]) && onset[index] > 0
    ? onset[index]
    : z[index];
  return {
    step: axis.stepOf(index),
    index,
    value: loss[index],
    baseline,
    ratio: loss[index] / baseline,
    z: score,
    direction: score >= 0 ? "up" : "down",
  };
}

/**
 * A spike departs from the points before it the way it is marked: a point with none before it
 * (the first logged point, usually the highest of a falling curve) has no baseline, and a
 * point marked up below its baseline is a falling curve's lag behind its centred trend, not a
 * spike.
 */
function standsOut(spike: Spike): boolean {
  if (!Number.isFinite(spike.baseline)) return false;
  return spike.direction === "up" ? spike.value > spike.baseline : spike.value < spike.baseline;
}

/** Whether a point lies in the momentum tail of a periodic spike train's spike. */
function momentumTail(z: Float64Array, found: Period | null): (index: number) => boolean {
  if (!found || found.kind === "shape") return () => false;
  const tail = Math.min(LIST.tailMax, Math.max(LIST.tailMin, LIST.tailShare * found.period));
  return (index) => {
    const after = modulo(index - found.phase, found.period);
    return after > LIST.tailStart && after <= tail &&
      Math.abs(z[index]) < LIST.spikeZ * LIST.tailZFactor;
  };
}

/**
 * Whether a point is a running mean's restart or one of the first points after it: means of a
 * few batches, as noisy as one batch — an artefact of logging, not a spike (the first eighth
 * of the cycle, where the signature's decay is not measured either).
 */
function restartZone(located: Located): (index: number) => boolean {
  const signature = located.signature;
  if (!signature?.runningMean) return () => false;
  const { period, resetPhase } = signature;
  const zone = Math.max(2, period * LOCATE.decayFrom);
  return (index) => modulo(index - resetPhase, period) <= zone;
}

/**
 * The tail quantile of |z|. In a short series the top 1 % is a handful of points — the spikes
 * themselves and their tails: the quantile is taken 10 points below the top, down to the 95th
 * percentile (below 200 points a blow-up's last steps would set a bar of the median).
 */
function tailQuantile(z: Float64Array, finite: Uint8Array): number {
  const stride = Math.max(1, Math.floor(z.length / LIST.tailSample));
  const sample: number[] = [];
  for (let i = 0; i < z.length; i += stride) if (finite[i]) sample.push(Math.abs(z[i]));
  const q = Math.max(
    LIST.minTailQuantile,
    Math.min(LIST.tailQuantile, 1 - LIST.tailPoints / sample.length),
  );
  return sample.length > 0 ? quantile(sample, q) : 0;
}
