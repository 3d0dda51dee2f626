import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import fc from "fast-check";
import { epochLayout, REDUCTION_EXPONENT, REDUCTIONS, reductionScale } from "../lib/batch/mod.ts";
import { loadFixture, withinTenPercent } from "./batch_fixture.ts";

Deno.test("per_item_then_batch_mean predicts the 4.03× spike measured in ssd_double_norm within 10 %", async () => {
  const { config, facts } = await loadFixture("ssd_double_norm");
  const layout = epochLayout({
    datasetSize: config.N,
    batchSize: config.batch_size,
    dropLast: config.drop_last,
  });
  const scale = reductionScale({
    batchSize: config.batch_size,
    lastBatchSize: layout.last_batch_size,
    reduction: "per_item_then_batch_mean",
  });
  assert(
    withinTenPercent(scale, facts.loss_ratio_pre_median),
    `predicted ${scale}, measured ${facts.loss_ratio_pre_median}`,
  );
  // and no other reduction comes near the measurement
  for (const other of ["mean", "sum", "fixed_divisor"] as const) {
    const wrong = reductionScale({
      batchSize: 32,
      lastBatchSize: layout.last_batch_size,
      reduction: other,
    });
    assert(!withinTenPercent(wrong, facts.loss_ratio_pre_median), other);
  }
});

Deno.test("sum predicts the 0.251× dip measured in sum_reduction within 10 %", async () => {
  const { config, facts } = await loadFixture("sum_reduction");
  const layout = epochLayout({
    datasetSize: config.N,
    batchSize: config.batch_size,
    dropLast: config.drop_last,
  });
  const scale = reductionScale({
    batchSize: config.batch_size,
    lastBatchSize: layout.last_batch_size,
    reduction: "sum",
  });
  assert(
    withinTenPercent(scale, facts.loss_ratio_pre_median),
    `predicted ${scale}, measured ${facts.loss_ratio_pre_median}`,
  );
});

Deno.test("with drop_last the last batch is full (32) and every reduction predicts 1, as measured", async () => {
  const { config, facts } = await loadFixture("drop_last");
  const layout = epochLayout({
    datasetSize: config.N,
    batchSize: config.batch_size,
    dropLast: config.drop_last,
  });
  assertEquals(layout.last_batch_size, facts.last_batch_size);
  for (const reduction of REDUCTIONS) {
    const scale = reductionScale({
      batchSize: 32,
      lastBatchSize: layout.last_batch_size,
      reduction,
    });
    assertEquals(scale, 1);
    assert(withinTenPercent(scale, facts.loss_ratio_pre_median));
  }
});

Deno.test("a per-sample mean gives the last batch the same expected loss: scale exactly 1 for every size", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 4096 }), (x, y) => {
      const [r, b] = x <= y ? [x, y] : [y, x];
      return reductionScale({ batchSize: b, lastBatchSize: r, reduction: "mean" }) === 1;
    }),
  );
});

Deno.test("loss_scale is 1 at r = B and monotone in r: rising for k < 1, falling for k > 1", () => {
  fc.assert(fc.property(
    fc.integer({ min: 2, max: 100_000 }),
    fc.double({ min: -3, max: 3, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    (b, k, u, v) => {
      const r1 = 1 + Math.floor(Math.min(u, v) * (b - 1));
      const r2 = 1 + Math.floor(Math.max(u, v) * (b - 1));
      const s = (r: number) => reductionScale({ batchSize: b, lastBatchSize: r, reduction: k });
      if (s(b) !== 1) return false;
      if (k < 1) return s(r1) <= s(r2) && s(r2) <= 1;
      if (k > 1) return s(r1) >= s(r2) && s(r2) >= 1;
      return s(r1) === 1;
    },
  ));
});

/** mulberry32: a small seeded PRNG so that the Monte Carlo test is reproducible. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("a Monte Carlo run of the four reductions, written out as training code, matches (r/B)^(1−k)", () => {
  // Each sample has 1–16 "boxes", each box an exponential loss: the SSD setting of the seed report.
  const random = rng(20240523);
  const sample = () => {
    const boxes = 1 + Math.floor(random() * 16);
    let loss = 0;
    for (let i = 0; i < boxes; i++) loss += -Math.log(1 - random());
    return { loss, boxes };
  };
  const reduce: Record<string, (batch: { loss: number; boxes: number }[]) => number> = {
    mean: (x) => x.reduce((s, e) => s + e.loss, 0) / x.length,
    sum: (x) => x.reduce((s, e) => s + e.loss, 0),
    fixed_divisor: (x) => x.reduce((s, e) => s + e.loss, 0) / 32,
    // SSD: Σ box losses ÷ #boxes in the batch, then Keras ÷ batch size again
    per_item_then_batch_mean: (x) =>
      x.reduce((s, e) => s + e.loss, 0) / x.reduce((s, e) => s + e.boxes, 0) / x.length,
  };
  const average = (f: (x: { loss: number; boxes: number }[]) => number, size: number) => {
    let total = 0;
    const rounds = 4000;
    for (let i = 0; i < rounds; i++) total += f(Array.from({ length: size }, sample));
    return total / rounds;
  };
  for (const reduction of REDUCTIONS) {
    for (const r of [4, 8, 20]) {
      const measured = average(reduce[reduction], r) / average(reduce[reduction], 32);
      const predicted = reductionScale({ batchSize: 32, lastBatchSize: r, reduction });
      assertAlmostEquals(measured, predicted, 0.04 * predicted, `${reduction}, r = ${r}`);
    }
  }
});

Deno.test("the named exponents are the documented ones and bad input is refused", () => {
  assertEquals(REDUCTION_EXPONENT, {
    mean: 1,
    sum: 0,
    fixed_divisor: 0,
    per_item_then_batch_mean: 2,
  });
  assertThrows(
    () => reductionScale({ batchSize: 8, lastBatchSize: 9, reduction: "sum" }),
    RangeError,
    "at most",
  );
  assertThrows(
    () => reductionScale({ batchSize: 8, lastBatchSize: 0, reduction: "sum" }),
    RangeError,
  );
  assertThrows(
    () => reductionScale({ batchSize: 8, lastBatchSize: 4, reduction: NaN }),
    RangeError,
  );
  assertThrows(
    () => reductionScale({ batchSize: 8, lastBatchSize: 4, reduction: "avg" as "mean" }),
    TypeError,
    "mean, sum",
  );
});
