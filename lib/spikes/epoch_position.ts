import { circularDistance, logBinomialTail, modulo, type Period } from "../period/mod.ts";
import type { BoundaryRatios } from "./boundary_ratios.ts";
import type { EpochAlignment } from "./types.ts";
import { LIST, LOCATE } from "./tuning.ts";

/**
 * A period at the epoch's length when its last or first step spikes in most epochs.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { boundaryRatios } from "./boundary_ratios.ts";
 * import { foldAtEpoch } from "./epoch_position.ts";
 * import { robustResiduals } from "./residuals.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples in batches of 32): a falling loss with 1 % noise,
 * // 4× at the last step of every epoch (a loss normalised twice, on a last batch of 8)
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const { z, finite } = robustResiduals(loss);
 * const last = boundaryRatios(loss, z, (i) => i, 157, 156);
 * const first = boundaryRatios(loss, z, (i) => i, 157, 0);
 * assertEquals(foldAtEpoch(z, finite, last, first, 157, 157)?.kind, "spikes-up");
 * ```
 */
export function foldAtEpoch(
  z: Float64Array,
  finite: Uint8Array,
  last: BoundaryRatios,
  first: BoundaryRatios,
  stepsPerEpoch: number,
  epochPoints: number,
): Period | null {
  let extreme = 0, counted = 0;
  for (let i = 0; i < z.length; i++) {
    if (!finite[i]) continue;
    counted++;
    if (Math.abs(z[i]) >= LOCATE.epochZ) extreme++;
  }
  const rate = counted > 0 ? extreme / counted : 1;
  let best: Period | null = null;
  for (const side of [last, first]) {
    const hits = Math.round(side.spikeShare * side.epochs);
    if (side.epochs < LOCATE.epochMinEpochs || side.spikeShare < LOCATE.epochMinShare) continue;
    const logP = logBinomialTail(hits, side.epochs, rate) + Math.log(LOCATE.epochTrials);
    if (logP > Math.log(LOCATE.epochMaxP) || (best && best.logP <= logP)) continue;
    const up = (side.median ?? 1) >= 1;
    best = {
      period: epochPoints,
      phase: side === last ? stepsPerEpoch - 1 : 0,
      kind: up ? "spikes-up" : "spikes-down",
      hits,
      cycles: side.epochs,
      logP,
      strength: side.spikeShare,
      matched: side.indices,
      proposals: 1,
      smoothness: null,
    };
  }
  return best;
}

/**
 * The epoch, tested directly, and where in it a period's spikes sit.
 *
 * Why: when the epoch length is known, one period and two phases are worth testing on their
 * own — the last step (the partial batch) and the first (something re-created each epoch) —
 * with a correction for 4 trials instead of thousands, so a weak but regular spike that the
 * blind search cannot tell from noise is still found. `epochPosition` then places a period's
 * phase: last step, first step, the whole epoch (a repeating shape) or elsewhere; when points
 * are means of several steps, one point can hold both boundaries, and the other reading is
 * named as the alternative.
 *
 * Cost: O(n) for the fold (the |z| ≥ 3 base rate), O(1) for the position.
 *
 * Where the spikes of `found` sit in the epoch, and the other reading when ambiguous.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { boundaryRatios } from "./boundary_ratios.ts";
 * import { epochPosition, foldAtEpoch } from "./epoch_position.ts";
 * import { robustResiduals } from "./residuals.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples in batches of 32): a falling loss with 1 % noise,
 * // 4× at the last step of every epoch (a loss normalised twice, on a last batch of 8)
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const { z, finite } = robustResiduals(loss);
 * const last = boundaryRatios(loss, z, (i) => i, 157, 156);
 * const first = boundaryRatios(loss, z, (i) => i, 157, 0);
 * const found = foldAtEpoch(z, finite, last, first, 157, 157);
 * assertEquals([found?.period, found?.phase], [157, 156]);
 * assertEquals(epochPosition(found, 156, 157, 1, true, last, first, false), ["last-step", null]);
 * ```
 */
export function epochPosition(
  found: Period | null,
  phase: number | null,
  stepsPerEpoch: number,
  stride: number,
  aligned: boolean,
  last: BoundaryRatios | null,
  first: BoundaryRatios | null,
  fullLastBatch: boolean,
): [EpochAlignment["position"], "last-step" | "first-step" | null] {
  if (!found || !aligned || phase === null) return ["other", null];
  if (found.kind === "shape") return ["whole-epoch", null];
  const reach = Math.max(stride, 1);
  const toLast = circularDistance(phase, stepsPerEpoch - 1, stepsPerEpoch);
  let toFirst = circularDistance(phase, 0, stepsPerEpoch);
  // A spike at the first step that decays over a few steps (momentum carries it) peaks, in
  // logged points, anywhere in its tail: within the tail after the first step, it is the first
  // step's, as the spike list counts its tail with it — unless the rest of the epoch repeats
  // too (data sorted by class changes class a few steps in: the data order's).
  const points = stepsPerEpoch / reach;
  const tail = reach * Math.min(LIST.tailMax, Math.max(LIST.tailMin, LIST.tailShare * points));
  const decay = found.smoothness === null && modulo(phase, stepsPerEpoch) <= tail;
  if (toLast > reach && decay) toFirst = Math.min(toFirst, reach);
  if (toLast > reach && toFirst > reach) return ["other", null];
  if (stride >= 2 && toLast <= reach && toFirst <= reach) {
    // Logged means of several steps: one point may hold both boundaries. The spikier one wins
    // when the two differ; else the last batch, unless it is known to be full.
    const lead = (first?.spikeShare ?? 0) - (last?.spikeShare ?? 0);
    if (Math.abs(lead) > LOCATE.boundaryLead) return [lead > 0 ? "first-step" : "last-step", null];
    return fullLastBatch ? ["first-step", "last-step"] : ["last-step", "first-step"];
  }
  return [toLast <= toFirst ? "last-step" : "first-step", null];
}
