import { quantile } from "simple-statistics";
import { circularDistance, foldShape, modulo, type Period } from "../period/mod.ts";
import { extremes } from "../series/mod.ts";
import { precedingMedian } from "./boundary_ratios.ts";
import type { Excursion } from "./excursions.ts";
import type { Located } from "./locate.ts";
import { type Prepared, readsRunningMean } from "./prepare.ts";
import { LIST, LOCATE } from "./tuning.ts";
import type { Spike } from "./types.ts";

/** The spikes listed, and those that follow no period. */
export interface SpikeList {
  /** The spikes, in step order (at most `MAX_LISTED_SPIKES`). */
  spikes: Spike[];
  /** The spikes off the period's phase (all of them without a period). */
  isolated: Spike[];
}

/**
 * Which points are spikes, and which of them follow no period (isolated).
 *
 * Why: a spike is a point far from its trend (|z| ≥ `LIST.spikeZ`), or a jump far above the
 * trend before it (the onset score: a spike with a slow recovery, such as a learning-rate
 * spike, lifts the centred trend with it). A spike of a periodic train carries a momentum
 * tail: points a few steps after it that still stand out are part of the same event, not
 * spikes of their own. A point is listed only when it departs from the median of the points
 * before it (its baseline) in its direction: the first logged point has none, and on a steep
 * descent a point above the centred trend may sit below the points before it.
 *
 * A listed spike is isolated when no other cause holds it: it is far from a spike train's
 * phase, it is not a running mean's restart (or one of the first points after it), not part
 * of a blow-up the run never came back from (`excursions.ts`), and it stands beyond a
 * repeating shape's profile at its phase; it stands `LIST.isolatedFactor` times above the
 * series' own tail of |z| (a heavy-tailed series spikes often) — or past the spike bar at
 * `LIST.bigRatio` times the points before it — and changes the loss by at least 10 %.
 *
 * Cost: O(n) plus a quantile of at most 100 000 points.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { findSpikePeriod } from "./find_spike_period.ts";
 * import { listSpikes } from "./list_spikes.ts";
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
 * const { spikes, isolated } = listSpikes(prepared, locate(prepared, findSpikePeriod(prepared)));
 * assertEquals(spikes.map((s) => s.step).slice(0, 3), [156, 313, 470]);
 * assertAlmostEquals(spikes[0].ratio, 4, 0.1);
 * assertEquals(isolated, []); // all of them at the period
 * ```
 */
export function listSpikes(
  prepared: Prepared,
  located: Located,
  excursions: readonly Excursion[] = [],
): SpikeList {
  const { z, onset, finite } = prepared.residuals;
  const found = located.found;
  const bar = Math.max(LIST.spikeZ, LIST.isolatedFactor * tailQuantile(z, finite));
  const onsets = extremes(onset, bar).filter((e) => e.direction === "up");
  const events = [...extremes(z, LIST.spikeZ), ...onsets];
  // A staircase's matched points are the first of each epoch: steps, not spikes.
  const periodic = new Set(located.stairs?.holds ? [] : found?.matched ?? []);
  const spikes: Spike[] = [], isolated: Spike[] = [];
  const listed = new Set<number>();
  const inTail = momentumTail(z, found);
  const isIsolated = isolatedTest(prepared, located, excursions, bar);
  for (const index of [...events.map((e) => e.index), ...periodic].sort((a, b) => a - b)) {
    if (listed.has(index) || (!periodic.has(index) && inTail(index))) continue;
    listed.add(index);
    const spike = spikeAt(prepared, index);
    if (!standsOut(spike)) continue;
    spikes.push(spike);
    if (isIsolated(spike)) isolated.push(spike);
  }
  return { spikes, isolated };
}

/** Whether a listed spike is isolated: no cause of the period, the logging or a blow-up. */
function isolatedTest(
  prepared: Prepared,
  located: Located,
  excursions: readonly Excursion[],
  bar: number,
): (spike: Spike) => boolean {
  const found = located.found;
  const inRestart = epochRestartZone(prepared, located) ?? restartZone(located);
  const beyond = beyondProfile(prepared, found);
  return (spike) => {
    const i = spike.index;
    if (found && found.kind !== "shape") {
      if (circularDistance(i, found.phase, found.period) <= LIST.nearPhase) return false;
    }
    if (inRestart(i) || excursions.some((x) => !x.recovered && i >= x.from && i <= x.to)) {
      return false;
    }
    const size = Math.abs(beyond(i, spike.z)), jump = Math.abs(Math.log(Math.abs(spike.ratio)));
    // Past the series' own tail of |z|; or, past the spike bar, 3× the points before it: a
    // jump a person sees whatever the noise's tail (in a short series whose spikes are a tenth
    // of its points, the tail quantile is the spikes themselves).
    const stands = size >= bar || (size >= LIST.spikeZ && jump >= Math.log(LIST.bigRatio));
    return stands && jump >= LIST.isolatedLogRatio;
  };
}

/**
 * A score beyond a repeating shape's profile at the point's phase: where the whole epoch repeats
 * (unshuffled data), the centred trend does not follow the profile, and its sharp features
 * stand out of the trend in every cycle — and its steep rises out of the trend before them (the
 * onset score), so the centred z is the one compared.
 */
function beyondProfile(
  prepared: Prepared,
  found: Period | null,
): (index: number, score: number) => number {
  if (!found || found.kind !== "shape" || !(found.period >= 2)) return (_, score) => score;
  const { z, finite } = prepared.residuals;
  const { profile } = foldShape(z, finite, found.period);
  const bins = profile.length;
  // The centred z, not the onset score: a repeating shape's steep rises lift every onset.
  return (index) => z[index] - profile[Math.min(bins - 1, Math.floor(index % found.period))];
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
 * For values that are running means of the epoch (declared, or undone as such by
 * `running_mean_likelihood.ts`): whether a point averages the epoch's first few batches — the
 * first `LOCATE.decayFrom` of the epoch, and at least its first two logged points. Counted in
 * steps from each epoch's first batch, not in points: a progress bar's points are not evenly
 * spaced (every k batches, and the last), so a fold of the points drifts off the restarts.
 */
function epochRestartZone(
  prepared: Prepared,
  located: Located,
): ((index: number) => boolean) | null {
  const { epoch, undone, axis } = prepared;
  if (!epoch || !undone || !located.signature?.runningMean) return null;
  if (!readsRunningMean(prepared, located.period)) return null;
  const perEpoch = epoch.layout.stepsPerEpoch;
  const zone = Math.max(2 * axis.stride, perEpoch * LOCATE.decayFrom);
  return (index) => modulo(axis.stepOf(index) - undone.origin, perEpoch) < zone;
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
  const zone = Math.max(2, period * LOCATE.decayFrom), slack = LOCATE.restartSlack;
  const restarts = located.found?.matched ?? [];
  if (restarts.length === 0) {
    return (index) => modulo(index - resetPhase + slack, period) <= zone + slack;
  }
  // The restarts themselves, when they were found one by one: a period found a little off
  // drifts away from them over the cycles.
  const sorted = Float64Array.from(restarts).sort();
  return (index) => {
    let lo = 0, hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= index + slack) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && index - sorted[lo - 1] <= zone;
  };
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
