/** Issue 16's models outside the corpus: in-batch negatives, pairs, accumulation, ranks, BatchNorm. */
import { assert, assertAlmostEquals, assertEquals, assertStringIncludes } from "@std/assert";
import { lastBatch, perItemScale } from "../lib/batch/mod.ts";
import { infoNceLoss } from "../lib/lse/mod.ts";
import { loadTorchRecord } from "./torch_fixture.ts";

const byId = (a: ReturnType<typeof lastBatch>, id: string) => a.findings.find((f) => f.id === id);

Deno.test("in-batch negatives with N=1000, B=64: the last batch of 40 has loss_scale ln 40/ln 64 < 1", () => {
  const a = lastBatch({
    datasetSize: 1000,
    batchSize: 64,
    reduction: "mean",
    perItemLoss: "in_batch_negatives",
  });
  assertEquals(a.last_batch_size, 40);
  assert(a.loss_scale < 1);
  assertAlmostEquals(a.loss_scale, Math.log(40) / Math.log(64), 1e-12);
  assertEquals(a.per_item_loss.loss_range, [39 / 63, a.loss_scale]);
  const f = byId(a, "batch-size-dependent-loss")!;
  assertEquals(f.title, "With in-batch negatives a smaller batch has an easier loss");
  // the partial-batch finding no longer calls a mean "unbiased ×1"
  assert(!byId(a, "partial-last-batch")!.evidence.includes("unbiased"));
});

Deno.test("the in-batch factor is the InfoNCE loss of a row with r − 1 against B − 1 equal negatives", () => {
  // A row whose negatives all sit Δ below the positive has loss ln(1 + (b − 1)e^−Δ): computed here
  // by lib/lse's op-by-op cross-entropy in fp64, not by the model's formula.
  for (const delta of [0, 0.5, 2, 5]) {
    const rowLoss = (b: number) =>
      infoNceLoss([0, ...Array(b - 1).fill(-delta)], 0, { method: "stable", format: "fp64" }).value;
    const full = rowLoss(64);
    const scale = perItemScale({
      perItemLoss: "in_batch_negatives",
      batchSize: 64,
      lastBatchSize: 40,
      fullBatchLoss: full,
    });
    assertAlmostEquals(scale.loss_factor, rowLoss(40) / full, 1e-12);
    assert(scale.loss_factor >= scale.loss_range[0] && scale.loss_factor <= scale.loss_range[1]);
  }
});

Deno.test("pairwise item losses scale with the partners: (r − 1)/(B − 1)", () => {
  const a = lastBatch({
    datasetSize: 1000,
    batchSize: 64,
    reduction: "mean",
    perItemLoss: "pairwise",
  });
  assertAlmostEquals(a.loss_scale, 39 / 63, 1e-12);
  assertEquals(byId(a, "batch-size-dependent-loss")?.severity, "warning");
});

Deno.test("batch_size 1 × grad_accum_steps 8 summed: a grad-accum-normalization finding naming 8×", () => {
  const a = lastBatch({
    datasetSize: 800,
    batchSize: 1,
    reduction: "mean",
    gradAccumSteps: 8,
    gradAccumLoss: "sum",
  });
  assertEquals(a.accumulation?.normalization, { mode: "sum", loss_factor: 8, grad_factor: 8 });
  const f = byId(a, "grad-accum-normalization")!;
  assertStringIncludes(f.title, "8×");
  assertEquals(f.severity, "critical");
  assertStringIncludes(f.remedies[0], "loss = loss / 8");
  assertStringIncludes(a.summary, "**8×**");
  const twice = lastBatch({
    ...{ datasetSize: 800, batchSize: 1, reduction: "mean" },
    gradAccumSteps: 4,
    gradAccumLoss: "mean_twice",
  });
  assertStringIncludes(byId(twice, "grad-accum-normalization")!.title, "0.25×");
});

Deno.test("equal token counts and a short last window: the title names the window, not unequal items", () => {
  // 5000/32: 157 micro-batches, A = 4: the last window holds 1 micro-batch of 8
  const a = lastBatch({
    datasetSize: 5000,
    batchSize: 32,
    reduction: "mean",
    gradAccumSteps: 4,
    itemsPerMicroBatch: [300, 300, 300, 300],
  });
  const f = byId(a, "grad-accum-normalization")!;
  assertStringIncludes(
    f.title,
    "The last accumulation window of each epoch holds 1 of 4 micro-batches",
  );
  assert(!f.title.includes("unequally"));
  // unequal counts keep the old title
  const uneven = lastBatch({
    datasetSize: 4096,
    batchSize: 8,
    reduction: "mean",
    gradAccumSteps: 4,
    itemsPerMicroBatch: [181, 284, 278, 159],
  });
  assertEquals(
    byId(uneven, "grad-accum-normalization")!.title,
    "Gradient accumulation weighs items unequally",
  );
});

Deno.test("even ranks raise no uneven-rank-mean; uneven ones weigh items Σn/(W·n_r)", () => {
  const even = lastBatch({
    datasetSize: 4096,
    batchSize: 8,
    reduction: "mean",
    worldSize: 2,
    itemsPerRank: [500, 500],
  });
  assertEquals(byId(even, "uneven-rank-mean"), undefined);
  const uneven = lastBatch({
    datasetSize: 4096,
    batchSize: 8,
    reduction: "mean",
    worldSize: 2,
    itemsPerRank: [600, 200],
  });
  assertEquals(uneven.ranks?.weight_ratios, [800 / 1200, 800 / 400]);
  assertEquals(byId(uneven, "uneven-rank-mean")?.severity, "warning");
});

Deno.test("BatchNorm: a last batch of 1 quotes the ValueError torch 1.13 raised; 2–3 are noise, 4 is not flagged", async () => {
  const record = await loadTorchRecord<{
    errors: Record<string, { message: string } | null>;
    variance_relative_std: Record<string, number>;
  }>("batchnorm");
  // the threshold's reason, measured: the variance of n values spreads by √(2/(n − 1)), ≥ 1 to n = 3
  for (const [n, spread] of Object.entries(record.variance_relative_std)) {
    assertAlmostEquals(spread, Math.sqrt(2 / (Number(n) - 1)), 0.03 * spread);
  }
  const message = record.errors["BatchNorm1d(8) train (1, 8)"]!.message;
  const one = lastBatch({ datasetSize: 1000, batchSize: 3, reduction: "mean", batchNorm: true });
  const f = byId(one, "batch-norm-small-batch")!;
  assertEquals(f.severity, "critical");
  assertStringIncludes(f.evidence, message.replace("torch.Size([1, 8])", "torch.Size([1, C])"));
  for (const [n, severity] of [[2, "warning"], [3, "warning"], [4, undefined]] as const) {
    const a = lastBatch({ datasetSize: 64 + n, batchSize: 32, reduction: "mean", batchNorm: true });
    assertEquals(byId(a, "batch-norm-small-batch")?.severity, severity, `last batch ${n}`);
  }
  assertEquals(
    byId(
      lastBatch({ datasetSize: 1000, batchSize: 3, reduction: "mean" }),
      "batch-norm-small-batch",
    ),
    undefined,
  );
});
