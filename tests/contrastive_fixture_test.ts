/**
 * The done-when facts of issue 4 on the PyTorch fixture contrastive_fp16.json (InfoNCE, τ = 0.05,
 * fp16 logits as autocast writes them, embeddings not normalised; NaN loss at step 14).
 */
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertStringIncludes,
} from "@std/assert";
import { infoNceLossBounds } from "../lib/contrastive/mod.ts";
import { fixture, fixtureTrajectory, postContrastive } from "./contrastive_helpers.ts";

const base = { temperature: 0.05, batch_size: 128, precision: "fp16-autocast" };
type F = { id: string; severity: string };

Deno.test("fixture: the trajectory up to step 11 already warns (norm-growth and rising-loss)", async () => {
  const { status, body } = await postContrastive({ ...base, trajectory: fixtureTrajectory(11) });
  assertEquals(status, 200);
  const ids = body.findings.filter((f: F) => f.severity !== "info").map((f: F) => f.id);
  assert(ids.includes("norm-growth"), `findings: ${ids}`);
  assert(ids.includes("rising-loss"), `findings: ${ids}`);
  // Three steps before the NaN, nothing has overflowed: the largest logit 208 is far below 65504.
  assertEquals(body.first_overflow, null);
  assertEquals(body.stages_from, "trajectory");
});

Deno.test("fixture: without logged logits, norms and loss alone also warn by step 11", async () => {
  const { body } = await postContrastive({ ...base, trajectory: fixtureTrajectory(11, false) });
  const ids = body.findings.map((f: F) => f.id);
  assert(ids.includes("norm-growth") || ids.includes("rising-loss"));
});

Deno.test("fixture: the forecast at step 11 is a late, low-confidence upper estimate (growth accelerates)", async () => {
  const { body } = await postContrastive({ ...base, trajectory: fixtureTrajectory(11) });
  const f = body.forecast;
  assertGreater(f.overflow_step, 11);
  assertEquals(f.accelerating, true);
  assertEquals(f.confidence, "low");
  assertStringIncludes(f.note, "sooner");
  // The run actually blew up at step 14, inside neither log-linear extrapolation: faster than
  // exponential. The forecast says so rather than promising a date.
  assertGreater(f.overflow_step, fixture.facts.first_nonfinite_loss_step);
  assertAlmostEquals(f.limit, 65504, 1e-9); // the largest logit may reach 65504·τ / τ
});

Deno.test("fixture: the configuration of step 14 overflows at the division by τ; safe |q·k| 3275.2", async () => {
  const { body } = await postContrastive({
    ...base,
    normalized: false,
    q_norm: 95.8,
    k_norm: 93.5,
  });
  assertEquals(body.first_overflow.stage, "temperature");
  assertAlmostEquals(body.first_overflow.safe_dot_limit, 65504 * 0.05, 1e-9);
  assertAlmostEquals(
    body.first_overflow.safe_dot_limit,
    fixture.facts.overflow_threshold_raw_dot,
    1e-9,
  );
  assertStringIncludes(body.first_overflow.statement, "3,275.2");
  assertEquals(body.stages[0].name, "matmul");
  assertEquals(body.stages[0].overflows, false); // 95.8·93.5 = 8957 fits fp16
  assertEquals(body.stages[1].value, "Infinity");
  assertEquals(body.stages[2].value, "NaN"); // inf − inf inside the fp32 softmax
  const ids = body.findings.map((f: F) => f.id);
  assertEquals(ids[0], "logit-overflow");
  assert(ids.includes("temperature-too-low") && ids.includes("no-l2-normalization"));
  const remedies = body.findings[0].remedies.join(" ");
  for (const fix of ["F.normalize(q, dim=-1)", "enabled=False", "detect_anomaly", "τ ≥ 0.136"]) {
    assertStringIncludes(remedies, fix);
  }
});

Deno.test("fixture: the largest logit of step 13 (1933) is below the limit; step 14's is not", async () => {
  assertEquals(fixture.facts.max_abs_logit_fp16_step_before, 1933);
  const before = await postContrastive({ ...base, trajectory: fixtureTrajectory(13) });
  assertEquals(before.body.first_overflow, null);
  assertAlmostEquals(before.body.max_dot, 1933 * 0.05, 1e-9);
  assertGreater(before.body.safe_dot_limit / before.body.max_dot, 30); // 3275.2 / 96.65
  // At step 14 the fp32 logits reached 2.42e6: |q·k| = 121,165 > 65504 already at q @ k.T.half().
  const points = fixtureTrajectory(13);
  points.push({
    step: 14,
    q_norm: 95.776,
    k_norm: 93.527,
    max_logit: fixture.facts.max_abs_logit_fp32_at_bad_step,
    loss: "NaN",
  });
  const after = await postContrastive({ ...base, trajectory: points });
  assertEquals(after.body.first_overflow.stage, "matmul");
  assertEquals(after.body.trajectory.first_nonfinite_loss_step, 14);
  assertEquals(after.body.forecast.model, "observed");
  assertEquals(after.body.forecast.overflow_step, 14);
});

Deno.test("fixture: every finite loss is within the InfoNCE bound 2·max|logit| + ln(B − 1)", () => {
  const s = fixture.series;
  for (let i = 0; i < fixture.loss.length; i++) {
    if (fixture.loss[i] === null) continue;
    const { worst, best } = infoNceLossBounds(s.max_abs_logit_fp16[i], fixture.config.batch);
    assert(fixture.loss[i] <= worst, `step ${i}: loss ${fixture.loss[i]} > bound ${worst}`);
    assert(fixture.loss[i] >= best);
  }
});
