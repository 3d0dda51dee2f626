/**
 * Configuration mode against hand-derivable facts: fp16 max 65504 and ln 65504 ≈ 11.09, autocast's
 * op lists, Cauchy–Schwarz bounds, CLIP's clamp at 100, and the 1 − p cosine of dropout views.
 */
import { assert, assertAlmostEquals, assertEquals, assertStringIncludes } from "@std/assert";
import {
  analyzeStages,
  expectedDropoutViewCosine,
  infoNceLossBounds,
  precisionPlan,
} from "../lib/contrastive/mod.ts";
import { lcg, postContrastive } from "./contrastive_helpers.ts";

type F = { id: string; severity: string; evidence: string; remedies: string[] };
const ids = (body: { findings: F[] }) => body.findings.map((f) => f.id);
const normalised = { temperature: 0.05, normalized: true, batch_size: 128 };

Deno.test("normalised, τ = 0.05, fp16 autocast, framework softmax: max logit 20, no overflow", async () => {
  const { body } = await postContrastive({ ...normalised, precision: "fp16-autocast" });
  assertEquals(body.max_logit, 20);
  assertEquals(body.first_overflow, null);
  assert(body.stages.every((s: { overflows: boolean }) => !s.overflows));
  assert(!ids(body).includes("naive-softmax-overflow"));
  assert(!ids(body).includes("logit-overflow"));
  assertAlmostEquals(body.loss_bounds.uniform, Math.log(128), 1e-15);
  assertStringIncludes(body.summary, "No overflow");
});

Deno.test("normalised, τ = 0.05, a naive fp16 softmax overflows: e^20 > 65504", async () => {
  const { body } = await postContrastive({ ...normalised, precision: "fp16", softmax: "naive" });
  assertEquals(body.first_overflow.stage, "exp");
  assertEquals(body.stages[2].value, "Infinity");
  assertAlmostEquals(body.stages[2].safe_dot_limit, 0.05 * Math.log(65504), 1e-12); // 0.5545
  const finding = body.findings.find((f: F) => f.id === "naive-softmax-overflow");
  assertEquals(finding.severity, "critical");
  assertStringIncludes(finding.evidence, "e^20");
  assertStringIncludes(finding.remedies[0], "F.cross_entropy");
  // The framework softmax on the same half logits is fine (internally fp32, max-shifted).
  const framework = await postContrastive({ ...normalised, precision: "fp16" });
  assertEquals(framework.body.first_overflow, null);
});

Deno.test("under autocast a hand-written exp runs in fp32: only an info that fp16 would overflow", async () => {
  const { body } = await postContrastive({
    ...normalised,
    precision: "fp16-autocast",
    softmax: "naive",
  });
  assertEquals(body.first_overflow, null);
  assertEquals(body.stages[2].format, "fp32");
  assertEquals(body.stages[2].value, Math.fround(Math.exp(20)));
  const finding = body.findings.find((f: F) => f.id === "naive-softmax-overflow");
  assertEquals(finding.severity, "info");
  // Past ln(FP32_MAX) ≈ 88.72 it overflows fp32 too: τ = 0.01 gives logits of 100.
  const hot = await postContrastive({
    ...normalised,
    temperature: 0.01,
    precision: "fp16-autocast",
    softmax: "naive",
  });
  assertEquals(hot.body.first_overflow.stage, "exp");
  assertEquals(hot.body.first_overflow.format, "fp32");
});

Deno.test("PyTorch's formats: autocast keeps / τ in half and the softmax in fp32", () => {
  assertEquals(precisionPlan("fp16-autocast", "framework"), {
    inputs: "fp16",
    matmul: "fp16",
    logits: "fp16",
    softmax: "fp32",
    accumulate: "fp32",
    output: "fp32",
  });
  assertEquals(precisionPlan("fp16", "naive").softmax, "fp16");
  assertEquals(precisionPlan("bf16-autocast", "naive").logits, "bf16");
  assertEquals(precisionPlan("fp32", "naive").matmul, "fp32");
});

Deno.test("q @ k.T itself overflows fp16 past |q·k| = 65504; a larger τ cannot help then", () => {
  const s = analyzeStages({
    maxDot: 300 * 250,
    scaling: { kind: "temperature", value: 0.05 },
    batchSize: 64,
    precision: "fp16-autocast",
    softmax: "framework",
  });
  assertEquals(s.first_overflow?.stage, "matmul");
  assertEquals(s.first_overflow?.safe_dot_limit, 65504);
  // 65519 rounds to 65504 (below the tie 65520), so the matmul stage is still finite there.
  const edge = analyzeStages({
    maxDot: 65519,
    scaling: { kind: "temperature", value: 1 },
    batchSize: 2,
    precision: "fp16",
    softmax: "framework",
  });
  assertEquals(edge.stages[0].value, 65504);
  assertEquals(edge.first_overflow, null);
});

Deno.test("bf16 has fp32's range: the step-14 configuration does not overflow in bf16", async () => {
  const { body } = await postContrastive({
    temperature: 0.05,
    q_norm: 95.8,
    k_norm: 93.5,
    batch_size: 128,
    precision: "bf16-autocast",
  });
  assertEquals(body.first_overflow, null);
  assertEquals(body.stages[1].value, 179200); // 179146 in bf16 (8 bits: spacing 1024 there)
  assertEquals(ids(body).includes("no-l2-normalization"), false); // normalized not stated
});

Deno.test("a logit scale above CLIP's clamp of 100 is temperature-too-low; its safe limit is max/s", async () => {
  const { body } = await postContrastive({
    logit_scale: 200,
    normalized: true,
    batch_size: 32,
    precision: "fp32",
  });
  const f = body.findings.find((x: F) => x.id === "temperature-too-low");
  assertEquals(f.severity, "warning");
  assertStringIncludes(f.remedies[0], "math.log(100)");
  assertAlmostEquals(body.temperature, 0.005, 1e-15);
  const scaled = await postContrastive({
    logit_scale: 20,
    max_norm: 60,
    batch_size: 32,
    precision: "fp16-autocast",
  });
  assertEquals(scaled.body.first_overflow.stage, "temperature");
  assertAlmostEquals(scaled.body.first_overflow.safe_dot_limit, 65504 / 20, 1e-9);
  assertStringIncludes(scaled.body.first_overflow.operation, "20 * (q @ k.T)");
});

Deno.test("within a factor 2 of the limit is a logit-overflow warning", async () => {
  // |q·k| = 2000 > 3275.2 / 2: finite, but one more doubling overflows.
  const { body } = await postContrastive({
    temperature: 0.05,
    max_norm: Math.sqrt(2000),
    batch_size: 16,
    precision: "fp16-autocast",
  });
  assertEquals(body.first_overflow, null);
  const f = body.findings.find((x: F) => x.id === "logit-overflow");
  assertEquals(f.severity, "warning");
});

Deno.test("InfoNCE loss bounds: ln B at uniform logits, 2L + ln(B − 1) at worst", () => {
  const b = infoNceLossBounds(20, 128);
  assertAlmostEquals(b.uniform, Math.log(128), 1e-15);
  assertAlmostEquals(b.worst, 40 + Math.log(127), 1e-12);
  assertAlmostEquals(b.best, 127 * Math.exp(-40), 1e-25);
  assertAlmostEquals(infoNceLossBounds(0, 8).worst, Math.log(8), 1e-15);
});

Deno.test("dropout views: the Monte-Carlo cosine of two inverted-dropout views is ≈ 1 − p", async () => {
  const rand = lcg(2024);
  const dim = 8192;
  const h = Array.from({ length: dim }, () => rand() - 0.5);
  for (const p of [0.1, 0.4]) {
    const view = () => h.map((x) => (rand() < p ? 0 : x / (1 - p)));
    const a = view();
    const b = view();
    const dot = a.reduce((s, x, i) => s + x * b[i], 0);
    const cosine = dot / (Math.hypot(...a) * Math.hypot(...b));
    assertAlmostEquals(cosine, expectedDropoutViewCosine(p), 0.02);
  }
  const strong = await postContrastive({ ...normalised, precision: "fp32", dropout_p: 0.4 });
  assertEquals(strong.body.dropout.expected_view_cosine, 0.6);
  const f = strong.body.findings.find((x: F) => x.id === "dropout-too-strong");
  assertEquals(f.severity, "warning");
  assertStringIncludes(f.remedies[0], "p=0.1");
  const fine = await postContrastive({ ...normalised, precision: "fp32", dropout_p: 0.1 });
  assert(!ids(fine.body).includes("dropout-too-strong"));
});
