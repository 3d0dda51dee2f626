/** Trajectory mode: growth detection and the forecast, on trajectories whose answer is known. */
import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { fitGrowth } from "../lib/contrastive/mod.ts";
import { lcg, postContrastive } from "./contrastive_helpers.ts";

type F = { id: string; severity: string };
const base = { temperature: 0.05, batch_size: 64, precision: "fp16-autocast" };

Deno.test("a norm product doubling every 10 steps crosses 65504·τ = 3275.2 at step 10·log2(3275.2)", async () => {
  // q_norm = k_norm = 2^(t/20): the product doubles every 10 steps, from 1 at step 0.
  const trajectory = [0, 10, 20, 30, 40, 50, 60].map((step) => ({
    step,
    q_norm: 2 ** (step / 20),
    k_norm: 2 ** (step / 20),
  }));
  const { body } = await postContrastive({ ...base, trajectory });
  const f = body.forecast;
  assertEquals(f.quantity, "norm_product");
  assertEquals(f.overflow_step, Math.ceil(10 * Math.log2(3275.2))); // 116.77 → 117
  assertAlmostEquals(f.growth_per_step, 2 ** 0.1, 1e-9);
  assertEquals(f.accelerating, false);
  assertEquals(f.confidence, "high");
  const growth = body.findings.find((x: F) => x.id === "norm-growth");
  assertEquals(growth.severity, "critical"); // forecast inside the horizon the data supports
});

Deno.test("the fit recovers an exact exponential and a log-quadratic", () => {
  const steps = [0, 1, 2, 3, 4, 5, 6];
  const exponential = fitGrowth(steps, steps.map((t) => 3 * Math.exp(0.5 * t)), 3 * Math.exp(5));
  for (const m of exponential) assertAlmostEquals(m.crossing!, 10, 1e-6);
  const quad = fitGrowth(steps, steps.map((t) => Math.exp(0.1 * t + 0.05 * t * t)), Math.exp(6));
  const q = quad.find((m) => m.model === "log-quadratic")!;
  // 0.05 t² + 0.1 t = 6 → t = 10
  assertAlmostEquals(q.crossing!, 10, 1e-6);
  assertAlmostEquals(q.r2, 1, 1e-12);
});

Deno.test("noisy but flat norms and a falling loss raise nothing and forecast nothing", async () => {
  const rand = lcg(5);
  const trajectory = Array.from({ length: 40 }, (_, step) => ({
    step,
    q_norm: 1 + 0.05 * (rand() - 0.5),
    k_norm: 1 + 0.05 * (rand() - 0.5),
    loss: 4 * Math.exp(-step / 10) + 0.1 * rand(),
  }));
  const { body } = await postContrastive({ ...base, trajectory });
  const found = body.findings.map((x: F) => x.id);
  assert(!found.includes("norm-growth") && !found.includes("rising-loss"), `${found}`);
  assert(body.forecast === null || body.forecast.confidence === "low");
});

Deno.test("a non-finite loss is an observed overflow only where the logged logits overflow", async () => {
  const growing = [
    { step: 0, loss: 1.2, max_logit: 40 },
    { step: 100, loss: 2.1, max_logit: 90 },
    { step: 200, loss: 3.5, max_logit: 300 },
    { step: 300, loss: 9.0, max_logit: 2000 },
  ];
  // The NaN step logged a logit past 65504: observed, with high confidence.
  const seen = await postContrastive({
    ...base,
    trajectory: [...growing, { step: 400, loss: "NaN", max_logit: 70000 }],
  });
  assertEquals(seen.body.trajectory.first_nonfinite_loss_step, 400);
  assertEquals(seen.body.nan_origin, { step: 400, verdict: "overflow" });
  assertEquals(seen.body.forecast.overflow_step, 400);
  assertEquals(seen.body.forecast.model, "observed");
  assertEquals(seen.body.forecast.confidence, "high");
  // The NaN step logged nothing: growing logits make an overflow likely, not shown.
  const likely = await postContrastive({
    ...base,
    trajectory: [...growing, { step: 400, loss: "NaN", max_logit: null }],
  });
  assertEquals(likely.body.nan_origin.verdict, "unknown");
  assertEquals(likely.body.forecast.model, "observed");
  assertEquals(likely.body.forecast.confidence, "medium");
  assert(likely.body.forecast.note.includes("not logged"));
  // Flat logits and a NaN: nothing says the logits overflowed, so no forecast claims it.
  const flat = await postContrastive({
    ...base,
    trajectory: [
      ...growing.map((p) => ({ ...p, max_logit: 40 })),
      { step: 400, loss: "NaN" },
    ],
  });
  assertEquals(flat.body.nan_origin.verdict, "unknown");
  assertEquals(flat.body.forecast, null);
  assert(!JSON.stringify(flat.body).includes("overflow has happened"));
});

Deno.test("trajectory steps must increase: 422", async () => {
  const { status, body } = await postContrastive({
    ...base,
    trajectory: [{ step: 2, loss: 1 }, { step: 1, loss: 1 }],
  });
  assertEquals(status, 422);
  assert(body.detail.includes("increase"));
});
