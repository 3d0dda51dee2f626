import { assert, assertAlmostEquals, assertEquals, assertStringIncludes } from "@std/assert";
import app, { contractOf } from "../routes/app.ts";
import { defaultConfig } from "../routes/config.ts";
import { tool } from "../routes/last-batch.ts";
import { loadFixture, withinTenPercent } from "./batch_fixture.ts";

const post = (body: unknown) =>
  app.request("/v1/last-batch", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

Deno.test("POST /v1/last-batch reproduces the three recorded runs from their configuration", async () => {
  const cases = [
    ["ssd_double_norm", "per_item_then_batch_mean"],
    ["sum_reduction", "sum"],
    ["drop_last", "per_item_then_batch_mean"],
  ] as const;
  for (const [name, reduction] of cases) {
    const { config, facts } = await loadFixture(name);
    const res = await post({
      dataset_size: config.N,
      batch_size: config.batch_size,
      drop_last: config.drop_last,
      reduction,
      optimizer: { type: config.optimizer, momentum: config.momentum },
    });
    assertEquals(res.status, 200, name);
    const body = await res.json();
    assertEquals(body.steps_per_epoch, facts.steps_per_epoch, name);
    assertEquals(body.last_batch_size, facts.last_batch_size, name);
    assert(
      withinTenPercent(body.loss_scale, facts.loss_ratio_pre_median),
      `${name}: predicted ${body.loss_scale}, measured ${facts.loss_ratio_pre_median}`,
    );
    assertEquals(typeof body.summary, "string");
  }
});

Deno.test("a mean-reduced loss has loss_scale 1 over the wire", async () => {
  const body = await (await post({ dataset_size: 5000, batch_size: 32, reduction: "mean" })).json();
  assertEquals(body.loss_scale, 1);
  assertEquals(body.grad_scale, 1);
  // pure noise: √(φ(8)/φ(32)), φ(b) = (N − b)/(b(N − 1)) for 8 and 32 of N = 5000 drawn without
  // replacement; 2 = √(32/8) for independent draws
  assertAlmostEquals(body.gradient.range[1], Math.sqrt((4992 / 8) / (4968 / 32)), 1e-12);
  assertEquals(body.gradient.range[0], 1);
});

Deno.test("world_size 3: per_rank 1667 / 53 / 3 and one duplicated sample", async () => {
  const res = await post({ dataset_size: 5000, batch_size: 32, reduction: "mean", world_size: 3 });
  const body = await res.json();
  assertEquals(body.per_rank, { samples: 1667, steps_per_epoch: 53, last_batch_size: 3 });
  assertEquals(body.duplicated_samples, 1);
  assert(body.findings.some((f: { id: string }) => f.id === "ddp-padding-duplicates"));
});

Deno.test("drop_last with several ranks states the sampler assumption, and sampler_drop_last overrides it", async () => {
  const assumed = await (await post({
    dataset_size: 5000,
    batch_size: 32,
    reduction: "mean",
    world_size: 3,
    drop_last: true,
  })).json();
  assertEquals([assumed.per_rank.samples, assumed.duplicated_samples], [1666, 0]);
  assertStringIncludes(assumed.summary, "sampler_drop_last");
  const explicit = await (await post({
    dataset_size: 5000,
    batch_size: 32,
    reduction: "mean",
    world_size: 3,
    drop_last: true,
    sampler_drop_last: false,
  })).json();
  // the one padded index sits in rank 1's last, dropped batch: padded but never trained on
  assertEquals(
    [explicit.per_rank.samples, explicit.padded_samples, explicit.duplicated_samples],
    [1667, 1, 0],
  );
  assert(!explicit.assumptions.some((x: string) => x.startsWith("DistributedSampler")));
});

Deno.test("items_per_micro_batch 181, 284, 278, 159 give weight ratios 902/(4·n_j)", async () => {
  const res = await post({
    dataset_size: 4096,
    batch_size: 8,
    reduction: "mean",
    grad_accum_steps: 4,
    items_per_micro_batch: [181, 284, 278, 159],
  });
  const body = await res.json();
  [181, 284, 278, 159].forEach((n, j) =>
    assertAlmostEquals(body.accumulation.weight_ratios[j], 902 / (4 * n), 1e-12)
  );
  assert(body.findings.some((f: { id: string }) => f.id === "grad-accum-normalization"));
});

Deno.test("a grad_noise_scale and an Adam optimizer shape grad_scale and optimizer_effect", async () => {
  const res = await post({
    dataset_size: 5000,
    batch_size: 32,
    reduction: "per_item_then_batch_mean",
    // ≈ the B_noise calibrated on the sum_reduction run (see batch_grad_scale_test.ts)
    grad_noise_scale: 29,
    optimizer: { type: "adamw" },
  });
  const body = await res.json();
  const ssd = (await loadFixture("ssd_double_norm")).facts;
  assert(withinTenPercent(body.grad_scale, ssd.grad_ratio_pre_median));
  assertEquals([
    body.optimizer_effect.type,
    body.optimizer_effect.beta1,
    body.optimizer_effect.beta2,
  ], [
    "adamw",
    0.9,
    0.999,
  ]);
});

Deno.test("bad fields are a 422 problem with one JSON pointer each", async () => {
  const res = await post({
    dataset_size: 0,
    batch_size: 2.5,
    reduction: "average",
    world_size: -1,
    optimizer: { type: "lion", momentum: 1.2 },
    grad_noise_scale: -3,
  });
  assertEquals(res.status, 422);
  assertEquals(res.headers.get("content-type"), "application/problem+json");
  const body = await res.json();
  const pointers = body.errors.map((e: { pointer: string }) => e.pointer).sort();
  assertEquals(pointers, [
    "/batch_size",
    "/dataset_size",
    "/grad_noise_scale",
    "/optimizer/momentum",
    "/optimizer/type",
    "/reduction",
    "/world_size",
  ]);
});

Deno.test("configurations that cannot run are a 422 pointing at the field to change", async () => {
  const cases: [unknown, string][] = [
    [{ dataset_size: 10, batch_size: 32, reduction: "sum", drop_last: true }, "/batch_size"],
    [
      { dataset_size: 2, batch_size: 1, reduction: "sum", world_size: 3, drop_last: true },
      "/world_size",
    ],
    [{
      dataset_size: 100,
      batch_size: 4,
      reduction: "mean",
      grad_accum_steps: 2,
      items_per_micro_batch: [1, 2, 3],
    }, "/items_per_micro_batch"],
    [
      { dataset_size: 100, batch_size: 4, reduction: "mean", items_per_micro_batch: [3, 0] },
      "/items_per_micro_batch/1",
    ],
    [{ batch_size: 4, reduction: "mean" }, "/dataset_size"],
  ];
  for (const [body, pointer] of cases) {
    const res = await post(body);
    assertEquals(res.status, 422, JSON.stringify(body));
    const problem = await res.json();
    assertEquals(problem.errors?.[0]?.pointer, pointer, JSON.stringify(problem));
  }
});

Deno.test("the contract lists POST /v1/last-batch and the tool is predict_last_batch", async () => {
  const contract = await contractOf();
  assert(contract.paths?.["/v1/last-batch"]?.post);
  assertEquals(tool.name, "predict_last_batch");
  const answer = tool.run(
    { dataset_size: 5000, batch_size: 32, reduction: "sum", drop_last: false, world_size: 1 },
    defaultConfig,
  );
  assertStringIncludes(answer.summary, "8 of 32");
});
