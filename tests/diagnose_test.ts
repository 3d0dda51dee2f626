/**
 * POST /v1/diagnose on the real PyTorch runs: every check the inputs allow, findings merged across
 * checks (one last-batch finding from the curve and the configuration), the other endpoints'
 * answers as references, validation and limits.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import app, { createApp } from "../routes/app.ts";
import { defaultConfig } from "../routes/config.ts";
import { type Fixture, loadFixture } from "./fixtures.ts";

const ssd = await loadFixture("ssd_double_norm");
const sum = await loadFixture("sum_reduction");
const dropLast = await loadFixture("drop_last");
const lrSpike = await loadFixture("lr_spike_single");
const fp16 = await loadFixture("contrastive_fp16");

// deno-lint-ignore no-explicit-any
type Json = any;

async function post(path: string, body: unknown, target = app, headers = {}) {
  const res = await target.request(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.json() };
}

const LAST_BATCH_IDS = [
  "last-batch-spike",
  "last-batch-dip",
  "batch-size-dependent-loss",
  "partial-last-batch",
];
const severityRank = { critical: 0, warning: 1, info: 2 } as Record<string, number>;

function assertRanked(findings: { severity: string }[]) {
  for (let i = 1; i < findings.length; i++) {
    assert(
      severityRank[findings[i - 1].severity] <= severityRank[findings[i].severity],
      `not ranked by severity: ${findings.map((f) => f.severity)}`,
    );
  }
}

Deno.test("done-when: ssd_double_norm + 5000/32/per_item_then_batch_mean is one merged last-batch finding, first", async () => {
  const { status, body } = await post("/v1/diagnose", {
    loss: ssd.loss,
    dataset_size: 5000,
    batch_size: 32,
    reduction: "per_item_then_batch_mean",
  });
  assertEquals(status, 200);
  const lastBatch = body.findings.filter((f: Json) =>
    f.merged_ids.some((id: string) => LAST_BATCH_IDS.includes(id))
  );
  assertEquals(lastBatch.length, 1, "exactly one finding speaks of the last batch");
  const merged = body.findings[0];
  assertEquals(merged, lastBatch[0], "and it is first");
  // The measured one's id; the configuration's findings merged into it.
  assertEquals(merged.id, "last-batch-spike");
  assertEquals(merged.checks, ["spikes", "last_batch"]);
  assertEquals(merged.merged_ids.toSorted(), [
    "batch-size-dependent-loss",
    "last-batch-spike",
    "partial-last-batch",
  ]);
  // A loss 4× a full batch's every epoch is what the last-batch endpoint calls critical.
  assertEquals(merged.severity, "critical");
  // Both evidences: the measurement (the fixture's facts: 10 epochs, 8 of 32 samples) and the
  // prediction (5000 = 156 × 32 + 8).
  assertStringIncludes(merged.evidence, "Measured in the loss curve");
  assertStringIncludes(merged.evidence, "over 10 epochs");
  assertStringIncludes(merged.evidence, "Predicted from the configuration");
  assertStringIncludes(merged.evidence, "5000 samples = 156 × 32 + 8");
  assertStringIncludes(merged.evidence, "agrees with the 4×");
  // The two checks each answered as their own endpoints do.
  assertEquals(body.results.spikes.periodicity.period, ssd.facts.steps_per_epoch);
  assertEquals(body.results.last_batch.last_batch_size, ssd.facts.last_batch_size);
  assertEquals(body.results.last_batch.reduction_source, "given");
  // The measured ratio is the fixture's own median of loss[s] / median(loss[s-10:s]).
  const measured = body.results.spikes.last_batch.measured_ratio;
  assert(Math.abs(measured - ssd.facts.loss_ratio_pre_median) < 1e-3, `${measured}`);
  assertStringIncludes(body.summary.split("\n")[0], "last, partial batch");
});

Deno.test("the merged finding keeps both checks' remedies, none twice", async () => {
  const input = { dataset_size: 5000, batch_size: 32, reduction: "per_item_then_batch_mean" };
  const { body } = await post("/v1/diagnose", { loss: ssd.loss, ...input });
  const remedies: string[] = body.findings[0].remedies;
  assertEquals(new Set(remedies).size, remedies.length);
  // The configuration's own fixes come first: its reduction's fix and drop_last with B = 32.
  assertStringIncludes(remedies[0], "fix the reduction");
  assert(remedies.some((r) => r.includes("batch_size=32, drop_last=True")));
  assert(remedies.some((r) => r.includes("dataloader_drop_last=True")));
  // The spike analysis' gradient clipping is kept (the configuration does not propose it) ...
  assert(remedies.some((r) => r.includes("clip_grad_norm_")));
  // ... its generic drop_last (batch_size=B) is not: the configuration said it with B = 32.
  assert(!remedies.some((r) => r.includes("batch_size=B")), remedies.join("\n"));
  // Every remedy of /v1/last-batch is in the merged list, but for drop_last variants that the
  // merged list's own drop_last remedy already says.
  const lastBatch = await post("/v1/last-batch", input);
  for (const f of lastBatch.body.findings) {
    for (const r of f.remedies) {
      assert(remedies.some((m) => m.includes(r)) || /drop_(last|remainder)=True/.test(r), r);
    }
  }
});

Deno.test("a summed loss (sum_reduction.json) merges into one last-batch dip that agrees with 0.25×", async () => {
  const { body } = await post("/v1/diagnose", {
    loss: sum.loss,
    dataset_size: 5000,
    batch_size: 32,
    reduction: "sum",
  });
  const first = body.findings[0];
  assertEquals(first.id, "last-batch-dip");
  assertEquals(first.checks, ["spikes", "last_batch"]);
  assert(first.merged_ids.includes("partial-last-batch"));
  // The fixture's facts: naive prediction (8/32)^1 = 0.25, measured median 0.2513.
  assertEquals(body.results.last_batch.loss_scale, sum.facts.naive_predicted_loss_ratio);
  assertStringIncludes(first.evidence, "agrees with the 0.25×");
});

Deno.test("without a reduction, the curve's measured ratio picks it for the configuration", async () => {
  const { body } = await post("/v1/diagnose", {
    loss: ssd.loss,
    dataset_size: 5000,
    batch_size: 32,
  });
  assertEquals(body.results.last_batch.reduction, "per_item_then_batch_mean");
  assertEquals(body.results.last_batch.reduction_source, "inferred");
  assertEquals(body.findings[0].id, "last-batch-spike");
  assertEquals(body.findings[0].severity, "critical");
});

Deno.test("a reduction that contradicts the curve is said to disagree, and the curve's is named", async () => {
  const { body } = await post("/v1/diagnose", {
    loss: ssd.loss,
    dataset_size: 5000,
    batch_size: 32,
    reduction: "mean",
  });
  const first = body.findings[0];
  assertEquals(first.id, "last-batch-spike");
  assertStringIncludes(first.evidence, "disagrees with the 1×");
  assertStringIncludes(first.evidence, "points to `per_item_then_batch_mean` instead");
  assertEquals(body.notes.length, 1);
});

Deno.test("a steps_per_epoch that the loader's arguments contradict is noted", async () => {
  const { body } = await post("/v1/diagnose", {
    loss: ssd.loss,
    steps_per_epoch: 150,
    dataset_size: 5000,
    batch_size: 32,
    reduction: "per_item_then_batch_mean",
  });
  assertEquals(body.notes.length, 1);
  assertStringIncludes(body.notes[0], "steps_per_epoch = 150");
  assertStringIncludes(body.notes[0], "give 157 steps per epoch");
});

Deno.test("findings of one check are not merged: the configuration alone answers as /v1/last-batch", async () => {
  const input = { dataset_size: 5000, batch_size: 32, reduction: "per_item_then_batch_mean" };
  const { body } = await post("/v1/diagnose", input);
  const reference = await post("/v1/last-batch", input);
  assertEquals(
    body.findings.map((f: Json) => f.id),
    reference.body.findings.map((f: Json) => f.id),
  );
  assertEquals(
    body.findings.map((f: Json) => f.remedies),
    reference.body.findings.map((f: Json) => f.remedies),
  );
  const { summary: _, reduction_source, ...answer } = body.results.last_batch;
  const { summary: __, ...expected } = reference.body;
  assertEquals(answer, expected);
  assertEquals(reduction_source, "given");
  assertEquals(body.checks.map((c: Json) => c.ran), [false, true, false]);
});

Deno.test("a loss series alone answers the findings of /v1/spikes", async () => {
  const { body } = await post("/v1/diagnose", { loss: lrSpike.loss });
  const reference = await post("/v1/spikes", { loss: lrSpike.loss });
  assertEquals(
    body.findings.map((f: Json) => f.id),
    reference.body.findings.map((f: Json) => f.id),
  );
  assertEquals(body.results.spikes, reference.body);
  assertEquals(body.results.last_batch, null);
  // The fixture's one LR spike: isolated, after step 700 (its peak is step 701).
  assertEquals(body.findings[0].id, "isolated-spikes");
  assertStringIncludes(body.findings[0].evidence, `step ${lrSpike.facts.peak_step}`);
});

Deno.test("drop_last.json with drop_last: full last batches, no last-batch spike, nothing merged", async () => {
  const { body } = await post("/v1/diagnose", {
    loss: dropLast.loss,
    dataset_size: 5000,
    batch_size: 32,
    drop_last: true,
    reduction: "per_item_then_batch_mean",
  });
  assertEquals(body.results.last_batch.last_batch_size, dropLast.facts.last_batch_size);
  assertEquals(body.results.last_batch.steps_per_epoch, dropLast.facts.steps_per_epoch);
  assert(!body.findings.some((f: Json) => f.id === "last-batch-spike"));
  for (const f of body.findings) assertEquals(f.merged_ids, [f.id]);
  // The double normalisation is still there, harmless while every batch is full.
  const cause = body.findings.find((f: Json) => f.id === "batch-size-dependent-loss");
  assertEquals(cause.severity, "info");
});

function trajectoryOf(fixture: Fixture) {
  const s = fixture.series;
  return fixture.loss.map((loss, step) => ({
    step,
    q_norm: s.q_norm[step],
    k_norm: s.k_norm[step],
    loss: loss ?? "NaN",
  }));
}

Deno.test("contrastive_fp16.json: the curve, the loader and the nested contrastive set-up all run", async () => {
  const contrastive = {
    temperature: fp16.config.temperature,
    batch_size: fp16.config.batch,
    precision: "fp16-autocast",
    normalized: false,
    trajectory: trajectoryOf(fp16),
  };
  const { status, body } = await post("/v1/diagnose", {
    loss: fp16.loss.map((v) => v ?? "NaN"),
    dataset_size: 20000,
    batch_size: 128,
    contrastive,
  });
  assertEquals(status, 200);
  assertEquals(body.checks.map((c: Json) => c.ran), [true, true, true]);
  assertRanked(body.findings);
  const ids = body.findings.map((f: Json) => f.id);
  // The curve: the loss went NaN at the fixture's step; the set-up: the logits overflow fp16.
  assert(ids.includes("non-finite-loss") && ids.includes("logit-overflow"), ids.join());
  assertEquals(body.results.spikes.non_finite.first_step, fp16.facts.first_nonfinite_loss_step);
  // The nested check answers exactly as /v1/contrastive does.
  const reference = await post("/v1/contrastive", contrastive);
  assertEquals(body.results.contrastive, reference.body);
  assertEquals(new Set(ids).size, ids.length, "no id twice");
});

Deno.test("a CSV body with options in the query diagnoses as the JSON body does", async () => {
  const csv = "step,loss\n" + ssd.loss.map((v, i) => `${i},${v}`).join("\n");
  const res = await app.request(
    "/v1/diagnose?dataset_size=5000&batch_size=32&reduction=per_item_then_batch_mean",
    { method: "POST", body: csv, headers: { "content-type": "text/csv" } },
  );
  assertEquals(res.status, 200);
  const fromCsv = await res.json();
  const fromJson = await post("/v1/diagnose", {
    loss: ssd.loss,
    dataset_size: 5000,
    batch_size: 32,
    reduction: "per_item_then_batch_mean",
  });
  assertEquals(fromCsv.findings, fromJson.body.findings);
});

Deno.test("bad input is 422 with pointers, into the nested contrastive body and the query too", async () => {
  const nothing = await post("/v1/diagnose", { steps_per_epoch: 157 });
  assertEquals(nothing.status, 422);
  assertStringIncludes(nothing.body.detail, "nothing to diagnose");
  const tooBig = await post("/v1/diagnose", {
    dataset_size: 100,
    batch_size: 200,
    drop_last: true,
  });
  assertEquals(tooBig.status, 422);
  assertEquals(tooBig.body.errors[0].pointer, "/batch_size");
  const badReduction = await post("/v1/diagnose", {
    dataset_size: 100,
    batch_size: 8,
    reduction: "avg",
  });
  assertEquals(badReduction.body.errors[0].pointer, "/reduction");
  const nested = await post("/v1/diagnose", {
    contrastive: { temperature: -1, precision: "fp32" },
  });
  assertEquals(nested.status, 422);
  assert(nested.body.errors.some((e: Json) => e.pointer === "/contrastive/temperature"));
  const query = await app.request("/v1/diagnose?batch_size=abc", {
    method: "POST",
    body: "1\n2\n3\n",
    headers: { "content-type": "text/plain" },
  });
  assertEquals(query.status, 422);
  assertEquals((await query.json()).errors[0].pointer, "/query/batch_size");
  const orphanSteps = await post("/v1/diagnose", {
    steps: [1, 2],
    dataset_size: 10,
    batch_size: 3,
  });
  assertEquals(orphanSteps.status, 422);
});

Deno.test("the service's limits hold in /v1/diagnose: 413 naming the limit", async () => {
  const small = createApp({ ...defaultConfig, maxSeriesPoints: 100, maxTrajectoryPoints: 3 });
  const long = await post("/v1/diagnose", { loss: ssd.loss }, small);
  assertEquals([long.status, long.body.limit, long.body.value], [413, "MAX_SERIES_POINTS", 100]);
  const trajectory = [1, 2, 3, 4].map((step) => ({ step, loss: 1 }));
  const nested = await post("/v1/diagnose", {
    contrastive: { temperature: 0.1, precision: "fp32", trajectory },
  }, small);
  assertEquals([nested.status, nested.body.limit], [413, "MAX_TRAJECTORY_POINTS"]);
});

Deno.test("each check says why it ran or what it lacks: the points, the loader and its reduction's source, the contrastive modes", async () => {
  const trajectory = [0, 100, 200].map((step) => ({ step, q_norm: 1 + step / 10, k_norm: 1 }));
  const cases: [unknown, string[]][] = [
    [{ loss: ssd.loss, dataset_size: 5000, batch_size: 32 }, [
      "1570 points",
      "5000 samples, batch 32, reduction `per_item_then_batch_mean` inferred",
      "no `contrastive` set-up",
    ]],
    [{ dataset_size: 5000, batch_size: 32 }, [
      "no `loss` series",
      "5000 samples, batch 32, reduction `mean` assumed",
      "no `contrastive` set-up",
    ]],
    [{ dataset_size: 5000, batch_size: 32, reduction: "sum" }, [
      "no `loss` series",
      "5000 samples, batch 32, reduction `sum`",
      "no `contrastive` set-up",
    ]],
    [{ loss: ssd.loss, dataset_size: 5000 }, [
      "1570 points",
      "needs `batch_size` too",
      "no `contrastive` set-up",
    ]],
    [{ loss: ssd.loss.slice(0, 100), batch_size: 32 }, [
      "100 points",
      "needs `dataset_size` too",
      "no `contrastive` set-up",
    ]],
    [{ loss: [1, 2, 3] }, [
      "3 points",
      "needs `dataset_size` and `batch_size`",
      "no `contrastive` set-up",
    ]],
    [{
      contrastive: {
        temperature: 0.07,
        batch_size: 256,
        q_norm: 30,
        k_norm: 30,
        precision: "fp16",
      },
    }, [
      "no `loss` series",
      "needs `dataset_size` and `batch_size`",
      "configuration",
    ]],
    [{
      contrastive: {
        temperature: 0.07,
        batch_size: 256,
        precision: "fp16",
        normalized: false,
        trajectory,
      },
    }, [
      "no `loss` series",
      "needs `dataset_size` and `batch_size`",
      "configuration + trajectory",
    ]],
  ];
  for (const [input, reasons] of cases) {
    const { status, body } = await post("/v1/diagnose", input);
    assertEquals(status, 200, JSON.stringify(body));
    assertEquals(body.checks.map((c: Json) => c.name), ["spikes", "last_batch", "contrastive"]);
    assertEquals(body.checks.map((c: Json) => c.reason), reasons, JSON.stringify(input));
    assertEquals(body.checks.map((c: Json) => c.ran), reasons.map((r) => !/^(no|needs) /.test(r)));
  }
  const nothing = await post("/v1/diagnose", {});
  assertEquals(nothing.status, 422);
  assertStringIncludes(nothing.body.detail, "nothing to diagnose");
});
