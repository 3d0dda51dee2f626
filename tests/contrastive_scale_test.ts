/**
 * Learned scales, the words of the input, and losses outside the softmax model.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { postContrastive, texts } from "./contrastive_helpers.ts";

type F = { id: string; severity: string; title: string; evidence: string; remedies: string[] };

/** Bodies that raise findings about the scaling, written with a logit scale. */
const scaleBodies = [
  { logit_scale: 20, max_norm: 60, batch_size: 32, precision: "fp16-autocast" },
  { logit_scale: 1e39, normalized: true, batch_size: 32, precision: "fp32" },
  { logit_scale: 200, normalized: true, batch_size: 32, precision: "fp16", softmax: "naive" },
  { logit_scale: 50, learnable_scale: true, max_norm: 30, batch_size: 8, precision: "fp16" },
];

Deno.test("with a logit_scale input no sentence speaks of a temperature", async () => {
  for (const body of scaleBodies) {
    const { status, body: answer } = await postContrastive(body);
    assertEquals(status, 200);
    assert(answer.findings.length > 0, JSON.stringify(body));
    // The prose: titles, evidence, remedies, the overflow statement (ids and stage names are a
    // fixed vocabulary, `temperature-too-low` and the `temperature` stage included).
    const prose = answer.findings.map((f: F) => [f.title, f.evidence, f.remedies]);
    const words = [...texts(prose), answer.first_overflow?.statement ?? ""].join("\n");
    for (const phrase of ["τ", "temperature", "2.9e-39"]) {
      assert(!words.includes(phrase), `${JSON.stringify(body)}: "${phrase}" in\n${words}`);
    }
  }
});

Deno.test("with a temperature input the same findings speak of τ, not of logit_scale", async () => {
  for (const body of scaleBodies) {
    const { logit_scale, ...rest } = body;
    const { body: answer } = await postContrastive({ ...rest, temperature: 1 / logit_scale });
    const words = texts(answer.findings.map((f: F) => [f.title, f.evidence, f.remedies]))
      .join("\n");
    assert(!words.includes("logit_scale ≤") && !words.includes("keep logit_scale"), words);
  }
  const { body } = await postContrastive({
    temperature: 0.05,
    q_norm: 95.8,
    k_norm: 93.5,
    batch_size: 128,
    precision: "fp16-autocast",
  });
  const f = body.findings.find((x: F) => x.id === "temperature-too-low");
  assertEquals(f.title, "The division by the temperature is what overflows");
  assertStringIncludes(f.remedies[0], "τ ≥ 0.136");
});

Deno.test("a learnable scale without a clamp is logit-scale-unclamped; a safe clamp silences it", async () => {
  const base = { logit_scale: 30, normalized: true, batch_size: 64, precision: "fp16" };
  const fixed = await postContrastive(base);
  assert(!fixed.body.findings.some((x: F) => x.id === "logit-scale-unclamped"));
  const learned = await postContrastive({ ...base, learnable_scale: true });
  const f = learned.body.findings.find((x: F) => x.id === "logit-scale-unclamped");
  assertEquals(f.severity, "warning");
  assertStringIncludes(f.remedies[0], "clamp_(max=math.log(100))");
  assertEquals(learned.body.learnable_scale, { clamp: null, safe_scale: 65504 });
  const clamped = await postContrastive({ ...base, scale_clamp: 100 });
  assert(!clamped.body.findings.some((x: F) => x.id === "logit-scale-unclamped"));
  // A clamp above what the stages survive does not protect: a naive fp16 softmax overflows
  // above ln 65504 ≈ 11.09, so a clamp of 100 on cosines is no bound.
  const naive = await postContrastive({
    ...base,
    logit_scale: 10,
    scale_clamp: 100,
    softmax: "naive",
  });
  const g = naive.body.findings.find((x: F) => x.id === "logit-scale-unclamped");
  assertEquals(g.title, "The clamp of the learnable logit scale lets the logits overflow");
});

Deno.test("SigLIP and DCL are said to be outside the softmax model; only matmul and the scaling are checked", async () => {
  for (const loss of ["sigmoid", "dcl"]) {
    const { body } = await postContrastive({
      loss,
      logit_scale: 10,
      normalized: true,
      batch_size: 64,
      precision: "fp16",
      softmax: "naive",
    });
    assertStringIncludes(body.outside_model, "outside this check's softmax model");
    assertEquals(body.stages.map((s: { name: string }) => s.name), ["matmul", "temperature"]);
    assertEquals(body.loss_bounds, null);
    assertStringIncludes(body.summary, "Outside the softmax model");
    // e^10 < 65504 but e^(10·cos) in a naive fp16 softmax is a softmax finding: not raised here.
    assert(!body.findings.some((x: F) => x.id === "naive-softmax-overflow"));
  }
  const inside = await postContrastive({
    logit_scale: 20,
    normalized: true,
    batch_size: 64,
    precision: "fp16",
    softmax: "naive",
  });
  assertEquals(inside.body.outside_model, null);
  assert(inside.body.findings.some((x: F) => x.id === "naive-softmax-overflow"));
});

Deno.test("embeddings are InfoNCE rows: with another loss they are a 422 that says what to send", async () => {
  const { status, body } = await postContrastive({
    temperature: 0.1,
    loss: "supcon",
    precision: "fp32",
    q: [[1, 0], [0, 1]],
    k: [[1, 0], [0, 1]],
  });
  assertEquals(status, 422);
  assertStringIncludes(body.detail, "InfoNCE rows");
});

Deno.test("a trajectory of max_logit alone is answered (200) with no temperature or scale", async () => {
  const trajectory = [10, 14, 20, 28, 40, 57, 80].map((v, step) => ({ step, max_logit: v }));
  const { status, body } = await postContrastive({ precision: "fp16", trajectory });
  assertEquals(status, 200);
  assertEquals([body.temperature, body.logit_scale, body.max_dot], [null, null, null]);
  // No batch size, so no stages; the forecast still extrapolates to fp16's largest logit.
  assertEquals(body.forecast.quantity, "max_logit");
  assertEquals(body.forecast.limit, 65504);
});
