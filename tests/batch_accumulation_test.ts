import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import fc from "fast-check";
import { accumulationWeights, weightRatiosForReduction } from "../lib/batch/mod.ts";

/**
 * The per-item weight of a loss function written out as training code: the derivative of the
 * window's total loss with respect to one item's loss, by a central finite difference.
 */
function itemWeight(lossOf: (items: number[][]) => number, items: number[][], j: number): number {
  const h = 1e-3;
  const plus = items.map((mb) => [...mb]), minus = items.map((mb) => [...mb]);
  plus[j][0] += h;
  minus[j][0] -= h;
  return (lossOf(plus) - lossOf(minus)) / (2 * h);
}

Deno.test("181, 284, 278, 159 tokens: the weight ratios are 902/(4·n_j)", () => {
  const counts = [181, 284, 278, 159];
  const { weight_ratios, total_items } = accumulationWeights(counts);
  assertEquals(total_items, 902);
  counts.forEach((n, j) => assertAlmostEquals(weight_ratios[j], 902 / (4 * n), 1e-12));
});

Deno.test("the ratios equal the weights of the two training loops, differentiated", () => {
  const counts = [181, 284, 278, 159];
  const tokens = counts.map((n, j) =>
    Array.from({ length: n }, (_, i) => 1 + ((i * 7 + j) % 5) / 10)
  );
  const a = counts.length;
  // the loop people write: mean per micro-batch, then ÷ grad_accum_steps
  const perMicroBatch = (x: number[][]) =>
    x.reduce((s, mb) => s + mb.reduce((t, l) => t + l, 0) / mb.length / a, 0);
  // the correct loop: Σ token losses ÷ tokens in the window (Transformers ≥ 4.46 num_items_in_batch)
  const windowMean = (x: number[][]) =>
    x.flat().reduce((s, l) => s + l, 0) / x.reduce((s, mb) => s + mb.length, 0);
  const ratios = accumulationWeights(counts).weight_ratios;
  counts.forEach((_, j) => {
    const measured = itemWeight(perMicroBatch, tokens, j) / itemWeight(windowMean, tokens, j);
    assertAlmostEquals(ratios[j], measured, 1e-6);
  });
});

Deno.test("equal micro-batches weigh every item right; the general formula agrees for k = 1", () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 64 }),
    fc.integer({ min: 1, max: 4096 }),
    (counts, b) => {
      const plain = accumulationWeights(counts).weight_ratios;
      const general = weightRatiosForReduction(counts, {
        accumulationSteps: counts.length,
        batchSize: b,
        reduction: "mean",
      })
        .weight_ratios;
      const same = plain.every((x, j) => Math.abs(x - general[j]) <= 1e-12 * x);
      const equal = accumulationWeights(counts.map(() => counts[0])).weight_ratios
        .every((x) => Math.abs(x - 1) < 1e-12);
      return same && equal;
    },
  ));
});

Deno.test("a short last window keeps the ÷A and is under-weighted as a whole", () => {
  // 2 full micro-batches of 32 in a window meant for 4: each item weighs 64/(4·32) = ½
  assertEquals(accumulationWeights([32, 32], 4).weight_ratios, [0.5, 0.5]);
});

Deno.test("empty windows, empty micro-batches and too many micro-batches are refused", () => {
  assertThrows(() => accumulationWeights([]), RangeError, "empty");
  assertThrows(() => accumulationWeights([3, 0]), RangeError, "[1]");
  assertThrows(() => accumulationWeights([3, NaN]), RangeError);
  assertThrows(() => accumulationWeights([1, 2, 3], 2), RangeError, "at most");
});
