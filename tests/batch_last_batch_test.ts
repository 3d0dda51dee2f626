import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { type Finding, FINDING_IDS } from "../lib/findings/mod.ts";
import { lastBatch, type LastBatchInput, nearestDivisors } from "../lib/batch/mod.ts";
import fc from "fast-check";
import { loadFixture, withinTenPercent } from "./batch_fixture.ts";

const byId = (findings: Finding[], id: string) => findings.find((f) => f.id === id);

/** A remedy is concrete when it names code: a `code span` with an argument, call or assignment. */
function assertConcrete(finding: Finding) {
  assert(finding.remedies.length > 0, `${finding.id} has no remedy`);
  for (const remedy of finding.remedies) {
    assert(/`[^`]*[=(.][^`]*`/.test(remedy), `${finding.id}: remedy without code: ${remedy}`);
  }
}

Deno.test("the SSD configuration: a critical batch-size-dependent loss, 4× on the last batch of 8", async () => {
  const { config, facts } = await loadFixture("ssd_double_norm");
  const answer = lastBatch({
    datasetSize: config.N,
    batchSize: config.batch_size,
    dropLast: config.drop_last,
    reduction: "per_item_then_batch_mean",
    optimizer: { type: "sgd", momentum: config.momentum },
  });
  assertEquals([answer.steps_per_epoch, answer.last_batch_size], [
    facts.steps_per_epoch,
    facts.last_batch_size,
  ]);
  assert(withinTenPercent(answer.loss_scale, facts.loss_ratio_pre_median));
  const cause = byId(answer.findings, "batch-size-dependent-loss")!;
  assertEquals(cause.severity, "critical");
  assertStringIncludes(cause.remedies.join("\n"), "tf.shape(y_true)[0]"); // the accepted answer's fix
  const trigger = byId(answer.findings, "partial-last-batch")!;
  assertStringIncludes(trigger.remedies.join("\n"), "drop_last=True");
  assertStringIncludes(trigger.remedies.join("\n"), "dataloader_drop_last=True");
  assertStringIncludes(trigger.remedies.join("\n"), "drop_remainder=True");
  assertStringIncludes(trigger.evidence, "8");
  for (const f of answer.findings) assertConcrete(f);
  assertStringIncludes(answer.summary, "8 of 32");
  assertStringIncludes(answer.summary, "**4×**");
});

Deno.test("drop_last removes the per-epoch jump: only an info that the loss still scales with B", async () => {
  const { config } = await loadFixture("drop_last");
  const answer = lastBatch({
    datasetSize: config.N,
    batchSize: config.batch_size,
    dropLast: config.drop_last,
    reduction: "per_item_then_batch_mean",
  });
  assertEquals(answer.loss_scale, 1);
  assertEquals(answer.findings.map((f) => [f.id, f.severity]), [[
    "batch-size-dependent-loss",
    "info",
  ]]);
  assertEquals(answer.dropped_samples, 8);
});

Deno.test("a per-sample mean is harmless: no loss finding, the partial batch only an info", () => {
  const answer = lastBatch({ datasetSize: 5000, batchSize: 32, reduction: "mean" });
  assertEquals(answer.loss_scale, 1);
  assertEquals(answer.findings.map((f) => [f.id, f.severity]), [["partial-last-batch", "info"]]);
  const none = lastBatch({ datasetSize: 4096, batchSize: 32, reduction: "mean" });
  assertEquals(none.findings, []);
  assertStringIncludes(none.summary, "Every batch is full");
});

Deno.test("a summed loss dips on the last batch: a warning, not a crisis", () => {
  const answer = lastBatch({ datasetSize: 5000, batchSize: 32, reduction: "sum" });
  assertEquals(answer.loss_scale, 0.25);
  assertEquals(byId(answer.findings, "batch-size-dependent-loss")?.severity, "warning");
  assertStringIncludes(
    byId(answer.findings, "batch-size-dependent-loss")!.remedies[0],
    'reduction="mean"',
  );
});

Deno.test("three ranks: padding by one repeated sample, per-rank layout, DistributedSampler remedy", () => {
  const answer = lastBatch({ datasetSize: 5000, batchSize: 32, reduction: "mean", worldSize: 3 });
  assertEquals(answer.per_rank, { samples: 1667, steps_per_epoch: 53, last_batch_size: 3 });
  assertEquals(answer.duplicated_samples, 1);
  const padding = byId(answer.findings, "ddp-padding-duplicates")!;
  assertStringIncludes(padding.remedies[0], "DistributedSampler(");
  assertStringIncludes(padding.remedies[0], "drop_last=True");
  assertConcrete(padding);
});

Deno.test("uneven token counts in a window raise grad-accum-normalization with the num_items_in_batch fix", () => {
  const input: LastBatchInput = {
    datasetSize: 4096,
    batchSize: 8,
    reduction: "mean",
    gradAccumSteps: 4,
    itemsPerMicroBatch: [181, 284, 278, 159],
  };
  const answer = lastBatch(input);
  const ratios = answer.accumulation!.weight_ratios!;
  [181, 284, 278, 159].forEach((n, j) => assertAlmostEquals(ratios[j], 902 / (4 * n), 1e-12));
  const finding = byId(answer.findings, "grad-accum-normalization")!;
  assertEquals(finding.severity, "warning");
  assertStringIncludes(finding.remedies.join("\n"), "num_items_in_batch");
  assertStringIncludes(finding.remedies.join("\n"), "4.46");
  assertConcrete(finding);
});

Deno.test("accumulation dilutes the last batch's spike in the window the optimizer steps on", () => {
  // 5000/32: 157 micro-batches, A = 4 → 40 optimizer steps; the last window holds 1 micro-batch of 8
  const answer = lastBatch({
    datasetSize: 5000,
    batchSize: 32,
    reduction: "per_item_then_batch_mean",
    gradAccumSteps: 4,
    optimizer: { type: "sgd", momentum: 0.9 },
  });
  assertEquals(answer.accumulation?.optimizer_steps_per_epoch, 40);
  assertEquals(answer.accumulation?.last_window?.micro_batch_sizes, [8]);
  // 4 (double norm) ÷ 4 (accumulation) = 1: by coincidence the window is normal again
  assertEquals(answer.accumulation?.last_window?.grad_scale, 1);
  assertEquals(answer.optimizer_effect?.spike_factor, 1);
});

Deno.test("every finding id is from the vocabulary and every finding has concrete remedies", () => {
  const configs: LastBatchInput[] = [];
  for (const reduction of ["mean", "sum", "fixed_divisor", "per_item_then_batch_mean"] as const) {
    for (const worldSize of [1, 3, 7]) {
      for (const dropLast of [false, true]) {
        configs.push({
          datasetSize: 5000,
          batchSize: 32,
          reduction,
          worldSize,
          dropLast,
          gradAccumSteps: 3,
          itemsPerMicroBatch: [10, 40, 25],
        });
      }
    }
  }
  for (const config of configs) {
    const answer = lastBatch(config);
    for (const f of answer.findings) {
      assert((FINDING_IDS as readonly string[]).includes(f.id));
      assertConcrete(f);
      assert(f.evidence.length > 0 && f.title.length > 0);
    }
    assert(answer.summary.length > 0);
  }
});

Deno.test("the suggested batch sizes divide the samples and stay near B", () => {
  assertEquals(nearestDivisors(5000, 32), [25, 40]);
  assertEquals(nearestDivisors(1667, 32), []); // 1667 is prime
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 1, max: 2000 }), (n, b) => {
      const found = nearestDivisors(n, b);
      // compared with a plain scan of every divisor
      const all = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
      const below = all.filter((d) => d < b && d >= b / 2).at(-1);
      const above = all.find((d) => d > b && d <= 2 * b);
      return JSON.stringify(found) ===
        JSON.stringify([below, above].filter((x) => x !== undefined));
    }),
    { numRuns: 50 },
  );
});

Deno.test("extreme but valid sizes answer finite numbers, and the optimizer's walk is bounded", () => {
  const answer = lastBatch({
    datasetSize: Number.MAX_SAFE_INTEGER,
    batchSize: 2 ** 40,
    reduction: "per_item_then_batch_mean",
    worldSize: 7,
    optimizer: { type: "adam", beta2: 0.99999 },
    gradNoiseScale: 1e15,
  });
  assert(Number.isFinite(answer.loss_scale) && Number.isFinite(answer.grad_scale));
  // The moments are followed step by step until they settle, at most 10⁷ steps: a β whose
  // decay to 1e-9 needs more (ln 1e-9 / ln β > 10⁷) is refused instead of followed.
  assertThrows(
    () =>
      lastBatch({
        datasetSize: 5000,
        batchSize: 32,
        reduction: "sum",
        optimizer: { type: "adam", beta2: 1 - 1e-9 },
      }),
    RangeError,
    "too close to 1",
  );
});
