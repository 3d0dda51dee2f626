import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { analyzeSpikes } from "../lib/spikes/mod.ts";
import { loadFixture, lossOf } from "./fixtures.ts";

const ssd = await loadFixture("ssd_double_norm");
const sum = await loadFixture("sum_reduction");
const dropLast = await loadFixture("drop_last");
const lrSpike = await loadFixture("lr_spike_single");
const contrastive = await loadFixture("contrastive_fp16");

for (
  const [label, options] of [
    ["steps_per_epoch 157", { stepsPerEpoch: 157 }],
    ["dataset_size 5000, batch_size 32", { datasetSize: 5000, batchSize: 32 }],
  ] as const
) {
  Deno.test(`analyzeSpikes() finds the last partial batch of ssd_double_norm with ${label}`, () => {
    const report = analyzeSpikes(lossOf(ssd), options);
    assertEquals(report.periodicity.period, ssd.facts.steps_per_epoch);
    assertEquals(report.periodicity.phase, ssd.facts.last_batch_step_indices[0]);
    assertEquals(report.epoch_alignment?.aligned, true);
    assertEquals(report.epoch_alignment?.position, "last-step");
    const finding = report.findings.find((f) => f.id === "last-batch-spike");
    assert(finding, "expected a last-batch-spike finding");
    // The evidence names the measured ratio: 4.03× in the run's own measurement.
    const measured = Number(/is ([\d.]+)×/.exec(finding.evidence)?.[1]);
    assertAlmostEquals(measured, ssd.facts.loss_ratio_pre_median, 0.05);
  });
}

Deno.test("analyzeSpikes() puts the spikes of ssd_double_norm at the recorded last-batch steps", () => {
  const report = analyzeSpikes(lossOf(ssd), { stepsPerEpoch: 157 });
  const up = new Set(report.spikes.filter((s) => s.direction === "up").map((s) => s.step));
  for (const step of ssd.facts.last_batch_step_indices) assert(up.has(step), `no spike at ${step}`);
});

Deno.test("analyzeSpikes() finds a last-batch dip, not a spike, in sum_reduction", () => {
  const report = analyzeSpikes(lossOf(sum), { datasetSize: 5000, batchSize: 32 });
  assertEquals(report.periodicity.period, 157);
  assertEquals(report.epoch_alignment?.position, "last-step");
  const ids = report.findings.map((f) => f.id);
  assert(ids.includes("last-batch-dip"), `findings were ${ids}`);
  assert(!ids.includes("last-batch-spike"));
  const measured = Number(/is ([\d.]+)×/.exec(report.findings[0].evidence)?.[1]);
  assertAlmostEquals(measured, sum.facts.loss_ratio_pre_median, 0.01);
});

Deno.test("analyzeSpikes() reports no period and no last-batch finding for drop_last", () => {
  for (const options of [{}, { datasetSize: 5000, batchSize: 32, dropLast: true }]) {
    const report = analyzeSpikes(lossOf(dropLast), options);
    assertEquals(report.periodicity.period, null);
    const ids = report.findings.map((f) => f.id);
    assert(!ids.includes("last-batch-spike") && !ids.includes("last-batch-dip"), `${ids}`);
  }
});

Deno.test("analyzeSpikes() calls the single LR spike isolated and finds no period", () => {
  const report = analyzeSpikes(lossOf(lrSpike), { stepsPerEpoch: 156 });
  assertEquals(report.periodicity.period, null);
  const isolated = report.findings.find((f) => f.id === "isolated-spikes");
  assert(isolated, "expected isolated-spikes");
  assert(
    isolated.evidence.includes(`step ${lrSpike.facts.peak_step}`),
    `evidence: ${isolated.evidence}`,
  );
});

Deno.test("analyzeSpikes() reports the NaN and the rising loss of the contrastive run", () => {
  const report = analyzeSpikes(lossOf(contrastive));
  assertEquals(report.non_finite.count, 1);
  assertEquals(report.non_finite.first_step, contrastive.facts.first_nonfinite_loss_step);
  const ids = report.findings.map((f) => f.id);
  assertEquals(ids.slice(0, 2), ["non-finite-loss", "rising-loss"]);
});

Deno.test("analyzeSpikes() finds the period of ssd_double_norm logged as means of 10 steps", () => {
  const loss = lossOf(ssd);
  const means = Float64Array.from(
    { length: Math.floor(loss.length / 10) },
    (_, i) => loss.subarray(10 * i, 10 * i + 10).reduce((s, v) => s + v, 0) / 10,
  );
  const report = analyzeSpikes(means, { logEvery: 10, stepsPerEpoch: 157 });
  assert(
    Math.abs((report.periodicity.period ?? 0) - 157) <= 10,
    `period ${report.periodicity.period}`,
  );
});

Deno.test("analyzeSpikes() infers the reductions the two real runs used from their ratios", () => {
  const options = { datasetSize: 5000, batchSize: 32 };
  const double = analyzeSpikes(lossOf(ssd), options);
  assertEquals(double.last_batch?.inferred_reduction, "per_item_then_batch_mean");
  assertEquals(ssd.config.loss_normalisation, "double_norm");
  const summed = analyzeSpikes(lossOf(sum), options);
  assertEquals(summed.last_batch?.inferred_reduction, "sum");
  assertEquals(sum.config.loss_normalisation, "sum");
  const evidence = summed.findings.find((f) => f.id === "last-batch-dip")?.evidence ?? "";
  assert(evidence.includes("`sum`"), evidence);
});
