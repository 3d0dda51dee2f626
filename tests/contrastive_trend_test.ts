/**
 * Forecasts need significant growth: the t tail and Spearman's one-sided p-value against scipy's
 * records, and the corpus series that must not be extrapolated.
 */
import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { fitGrowth, MIN_TREND_POINTS, rankTrend } from "../lib/contrastive/mod.ts";
import { studentTwoSidedTail } from "../lib/series/mod.ts";
import { postContrastive } from "./contrastive_helpers.ts";

const scipy = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/contrastive/scipy/records.json", import.meta.url)),
);
const corpus = (name: string) =>
  JSON.parse(
    Deno.readTextFileSync(new URL(`./fixtures/contrastive/cases/${name}.json`, import.meta.url)),
  );

Deno.test("half of lib/series' two-sided t tail is scipy.stats.t.sf to 1e-8 on 72 points", () => {
  for (const { t, df, sf } of scipy.t_sf) {
    const half = studentTwoSidedTail(t, df) / 2;
    assertAlmostEquals(t >= 0 ? half : 1 - half, sf, 1e-8, `t = ${t}, df = ${df}`);
  }
});

Deno.test("the rank trend's ρ and one-sided p agree with scipy.stats.spearmanr(alternative='greater')", () => {
  for (const [name, s] of Object.entries(scipy.spearman) as [string, Record<string, number[]>][]) {
    const r = rankTrend(s.steps, s.values);
    if (s.rho === null) {
      assertEquals(r, { correlation: 0, p_value: 1 }, name); // a constant series has no trend
      continue;
    }
    assertAlmostEquals(r.correlation, s.rho as unknown as number, 1e-12, name);
    assertAlmostEquals(r.p_value, s.p_greater as unknown as number, 1e-8, name);
  }
});

Deno.test("five points are the fewest whose perfect rise is significant at 1 % (1/5! < 0.01 < 1/4!)", () => {
  assertEquals(MIN_TREND_POINTS, 5);
  assert(1 / 120 <= 0.01 && 1 / 24 > 0.01);
});

Deno.test("a log-quadratic through NegCLIP's falling scale crosses 65504, but a fall is no growth: no forecast", async () => {
  const c = corpus("negclip-falling-scale");
  const t = c.request.trajectory.map((p: { step: number }) => p.step);
  const y = c.request.trajectory.map((p: { logit_scale: number }) => p.logit_scale);
  const quadratic = fitGrowth(t, y, 65504).find((m) => m.model === "log-quadratic")!;
  assert(quadratic.crossing !== null && quadratic.crossing > 600, `${quadratic.crossing}`);
  const { body } = await postContrastive(c.request);
  assertEquals(body.forecast, null);
  const scale = body.trajectory.growth.find((g: { name: string }) => g.name === "logit_scale");
  assert(scale.correlation < 0 && !scale.growing && !scale.significant);
  assert(!body.summary.includes("growth"));
});

Deno.test("a significantly growing, unclamped logit scale is forecast to the largest safe scale", async () => {
  // s doubles every 10 steps from 10; normalised, fp16 logits: safe while s ≤ 65504.
  const trajectory = [0, 10, 20, 30, 40, 50].map((step) => ({
    step,
    logit_scale: 10 * 2 ** (step / 10),
  }));
  const { body } = await postContrastive({
    normalized: true,
    learnable_scale: true,
    batch_size: 64,
    precision: "fp16-autocast",
    trajectory,
  });
  assertEquals(body.forecast.quantity, "logit_scale");
  assertEquals(body.forecast.limit, 65504);
  assertEquals(body.forecast.overflow_step, Math.ceil(10 * Math.log2(6550.4))); // 127
  assert(body.forecast.evidence.p_value <= 0.01 && body.forecast.evidence.points === 6);
  const ids = body.findings.map((f: { id: string }) => f.id);
  assert(ids.includes("logit-scale-unclamped"), `${ids}`);
  assert(!ids.includes("norm-growth"), "a growing scale is not growing norms");
  // The same growth under a clamp of 100: bounded, no forecast, nothing to say.
  const clamped = await postContrastive({
    normalized: true,
    scale_clamp: 100,
    batch_size: 64,
    precision: "fp16-autocast",
    trajectory,
  });
  assertEquals(clamped.body.forecast, null);
  assertEquals(
    clamped.body.findings.filter((f: { severity: string }) => f.severity !== "info"),
    [],
  );
});

Deno.test("noise around a level is not growth, even when its last point is the highest", async () => {
  const trajectory = [1.0, 1.02, 0.99, 1.01, 0.98, 1.0, 1.03].map((v, step) => ({
    step,
    max_logit: 20 * v,
  }));
  const { body } = await postContrastive({ precision: "fp16", batch_size: 32, trajectory });
  assertEquals(body.status ?? 200, 200);
  assertEquals(body.forecast, null);
  assertEquals(body.temperature, null);
  assertEquals(body.stages_from, "trajectory");
});

Deno.test("growing logits on L2-normalised embeddings are the scale's doing, not growing norms", async () => {
  // |logit| ≤ s·1 on unit vectors: a rising largest logit means a rising scale.
  const trajectory = [5, 7, 10, 14, 20, 28, 40].map((v, step) => ({ step, max_logit: v }));
  const scaled = await postContrastive({
    logit_scale: 40,
    normalized: true,
    batch_size: 64,
    precision: "fp16-autocast",
    trajectory,
  });
  assert(!scaled.body.findings.some((f: { id: string }) => f.id === "norm-growth"));
  // The same logits of unnormalised embeddings are growing norms.
  const raw = await postContrastive({
    logit_scale: 40,
    normalized: false,
    batch_size: 64,
    precision: "fp16-autocast",
    trajectory,
  });
  const growth = raw.body.findings.find((f: { id: string }) => f.id === "norm-growth");
  assertEquals(growth.title, "The logits are growing");
});
