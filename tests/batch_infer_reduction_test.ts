import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import fc from "fast-check";
import { explainMeasuredRatio, inferReduction } from "../lib/batch/mod.ts";
import { loadFixture } from "./batch_fixture.ts";

Deno.test("every epoch's measured spike of ssd_double_norm is explained by per_item_then_batch_mean", async () => {
  const { facts } = await loadFixture("ssd_double_norm");
  assertEquals(facts.per_epoch.length, 10);
  for (const epoch of facts.per_epoch) {
    const result = inferReduction({
      measuredRatio: epoch.loss_ratio_pre,
      batchSize: facts.batch_size,
      lastBatchSize: facts.last_batch_size,
    });
    assertEquals(
      result?.inferred,
      "per_item_then_batch_mean",
      `step ${epoch.step}: k = ${result?.k}`,
    );
  }
});

Deno.test("every epoch's measured dip of sum_reduction is explained by a sum", async () => {
  const { facts } = await loadFixture("sum_reduction");
  for (const epoch of facts.per_epoch) {
    const result = inferReduction({
      measuredRatio: epoch.loss_ratio_pre,
      batchSize: facts.batch_size,
      lastBatchSize: facts.last_batch_size,
    });
    assertEquals(result?.inferred, "sum", `step ${epoch.step}: k = ${result?.k}`);
    assertEquals(result?.candidates, ["sum", "fixed_divisor"]);
  }
});

Deno.test("k = 1 + ln(ratio)/ln(B/r) on the recorded medians lands within 0.1 of the true exponent", async () => {
  const ssd = (await loadFixture("ssd_double_norm")).facts;
  const sum = (await loadFixture("sum_reduction")).facts;
  // computed here by hand from the formula, not by the code under test
  const k = (ratio: number) => 1 + Math.log(ratio) / Math.log(32 / 8);
  const a = inferReduction({
    measuredRatio: ssd.loss_ratio_pre_median,
    batchSize: 32,
    lastBatchSize: 8,
  })!;
  const b = inferReduction({
    measuredRatio: sum.loss_ratio_pre_median,
    batchSize: 32,
    lastBatchSize: 8,
  })!;
  assertAlmostEquals(a.k, k(ssd.loss_ratio_pre_median), 1e-12);
  assertAlmostEquals(b.k, k(sum.loss_ratio_pre_median), 1e-12);
  assertAlmostEquals(a.k, 2, 0.1);
  assertAlmostEquals(b.k, 0, 0.1);
});

Deno.test("a full last batch carries no information: null when B = r", () => {
  assertEquals(inferReduction({ measuredRatio: 4, batchSize: 32, lastBatchSize: 32 }), null);
});

Deno.test("a ratio predicted for any k is inverted back to that k", () => {
  fc.assert(fc.property(
    fc.integer({ min: 2, max: 10_000 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: -2, max: 4, noNaN: true }),
    (b, u, k) => {
      const r = 1 + Math.floor(u * (b - 1));
      if (r === b) return true;
      const ratio = (r / b) ** (1 - k);
      const result = inferReduction({ measuredRatio: ratio, batchSize: b, lastBatchSize: r });
      return result !== null && Math.abs(result.k - k) < 1e-9 * Math.max(1, Math.abs(k));
    },
  ));
});

Deno.test("a last batch too close to a full one cannot tell the reductions apart", () => {
  // B/r = 32/31: a ratio uncertain by 15 % moves k by ln(1.15)/ln(32/31) ≈ 4.5
  const result = inferReduction({ measuredRatio: 1.02, batchSize: 32, lastBatchSize: 31 })!;
  assert(result.k_uncertainty > 0.5);
  assertEquals(result.inferred, null);
  // a ratio between two named reductions is not forced onto one
  const between = inferReduction({ measuredRatio: 2, batchSize: 32, lastBatchSize: 8 })!; // k = 1.5
  assertEquals(between.inferred, null);
});

Deno.test("explainMeasuredRatio names the reduction and the ratio it predicts, from the run's configuration", async () => {
  const { config, facts } = await loadFixture("ssd_double_norm");
  const spike = explainMeasuredRatio({
    datasetSize: config.N,
    batchSize: config.batch_size,
    dropLast: config.drop_last,
    measuredRatio: facts.loss_ratio_pre_median,
  });
  assertEquals(spike.inferred_reduction, "per_item_then_batch_mean");
  assertEquals(spike.predicted_ratio, facts.naive_predicted_loss_ratio);
  assertEquals(spike.last_batch_size, facts.last_batch_size);
  assertEquals(spike.steps_per_epoch, facts.steps_per_epoch);
  assertEquals(spike.measured_ratio, facts.loss_ratio_pre_median);
  assert(spike.explains_measurement);

  const dip = (await loadFixture("sum_reduction")).facts;
  const sum = explainMeasuredRatio({
    datasetSize: 5000,
    batchSize: 32,
    measuredRatio: dip.loss_ratio_pre_median,
  });
  assertEquals(sum.inferred_reduction, "sum");
  assertEquals(sum.predicted_ratio, dip.naive_predicted_loss_ratio);

  const full = (await loadFixture("drop_last")).facts;
  const none = explainMeasuredRatio({
    datasetSize: 5000,
    batchSize: 32,
    dropLast: true,
    measuredRatio: full.loss_ratio_pre_median,
  });
  assertEquals([none.inferred_reduction, none.k, none.predicted_ratio, none.last_batch_size], [
    null,
    null,
    1,
    32,
  ]);
  assert(none.explains_measurement);
  // a spike with a full last batch is not the last batch's doing
  const other = explainMeasuredRatio({
    datasetSize: 5000,
    batchSize: 32,
    dropLast: true,
    measuredRatio: 4,
  });
  assertEquals(other.explains_measurement, false);
});

Deno.test("non-positive or non-finite ratios are refused", () => {
  for (const bad of [0, -1, NaN, Infinity]) {
    assertThrows(
      () => inferReduction({ measuredRatio: bad, batchSize: 32, lastBatchSize: 8 }),
      RangeError,
    );
    assertThrows(
      () => explainMeasuredRatio({ datasetSize: 5000, batchSize: 32, measuredRatio: bad }),
      RangeError,
    );
  }
});
