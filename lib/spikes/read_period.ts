import type { Period } from "../period/mod.ts";
import type { SpikeEpoch } from "./epoch_layout.ts";
import type { PeriodReading } from "./rules/mod.ts";
import type { RunningMeanSignature } from "./running_mean_signature.ts";
import type { Staircase } from "./staircase.ts";
import { EXPLAIN } from "./tuning.ts";
import type { EpochAlignment } from "./types.ts";

/**
 * What a period is read as, before any rule speaks: a running mean restarting, the data order,
 * a boundary of the epoch (last or first step, and the other when one logged point holds
 * both), or a schedule.
 *
 * Why: one period has one cause, so the rules must not each decide on their own whether it is
 * theirs. A running-mean signature wins; then a staircase (at the epoch, or at a period when
 * no epoch is given); a repeating shape — or a spike train whose whole cycle
 * repeats, roughly (smoothness < `EXPLAIN.roughProfile`) or with the epoch away from its
 * boundaries — is the data order, unless a known epoch is not the period, or, with no epoch
 * given, it is a train of jumps or a smooth profile that restarts (warm restarts): then a
 * schedule. A spike train aligned at the last or first step is that boundary; aligned at
 * another step of every epoch, the same batch coming back (the data order); any other period
 * is a schedule.
 *
 * Cost: O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { findSpikePeriod } from "./find_spike_period.ts";
 * import { locate } from "./locate.ts";
 * import { readPeriod } from "./read_period.ts";
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
 * const reading = readPeriod(located.found, located.alignment, located.signature, prepared.epoch!.layout);
 * assertEquals(reading, { cause: "last-step", alternative: null });
 * ```
 */
export function readPeriod(
  found: Period | null,
  alignment: EpochAlignment | null,
  signature: RunningMeanSignature | null,
  layout: SpikeEpoch | null,
  stairs: Staircase | null = null,
  restart = false,
): PeriodReading | null {
  if (!found) return null;
  const aligned = alignment?.aligned ?? false;
  const position = alignment?.position ?? "other";
  const boundary = position === "last-step" || position === "first-step";
  // The rest of a spike's cycle repeats too: a rough rest is the data order; so is any rest
  // that repeats with the epoch when the spike is not at an epoch boundary.
  const smooth = found.smoothness;
  const wholeEpoch = smooth !== null && (smooth < EXPLAIN.roughProfile || (aligned && !boundary));
  if (signature?.runningMean) return { cause: "running-mean", alternative: null };
  // A staircase is the epoch's (when one is given, it must be the period).
  if (stairs?.holds && (aligned || !layout)) return { cause: "staircase", alternative: null };
  if (found.kind === "shape" || wholeEpoch) {
    // Unshuffled data repeats with the epoch: a known epoch that is not the period rules it
    // out. With no epoch given, a train of jumps (shard boundaries, a schedule's steps) or a
    // smooth profile that restarts (warm restarts) is a schedule; a rough profile, or a smooth
    // one with no restart (the harmonics of a difficulty order), the data order.
    if (layout && !aligned) return { cause: "schedule", alternative: null };
    const jumps = found.kind === "shape" && found.matched.length > 0;
    if (!aligned && (jumps || ((smooth ?? 0) >= EXPLAIN.roughProfile && restart))) {
      return { cause: "schedule", alternative: null };
    }
    return { cause: "data-order", alternative: null };
  }
  if (aligned && boundary) {
    return { cause: position, alternative: alignment?.alternative ?? null };
  }
  // Spikes at one position inside every epoch: the same batch comes back each epoch.
  if (aligned) return { cause: "data-order", alternative: null };
  return { cause: "schedule", alternative: null };
}
