/** The finite-population factor of grad_scale against gradient norms measured in torch. */
import { assert, assertAlmostEquals } from "@std/assert";
import fc from "fast-check";
import { gradScale, windowGradScale } from "../lib/batch/mod.ts";
import app from "../routes/app.ts";
import { withinTenPercent } from "./batch_fixture.ts";
import { loadTorchRecord, num, type Recorded } from "./torch_fixture.ts";

interface Case {
  dataset_size: number;
  batch_size: number;
  last_batch_size: number;
  point: "optimum" | "early";
  noise_scale: Recorded;
  measured_ratio: number;
}

const { cases } = await loadTorchRecord<{ cases: Case[] }>("grad_noise");

const predict = (c: Case, datasetSize?: number) =>
  gradScale({
    batchSize: c.batch_size,
    lastBatchSize: c.last_batch_size,
    reduction: "mean",
    noiseScale: num(c.noise_scale),
    datasetSize,
  }).combined;

Deno.test("grad_scale with sampling without replacement predicts every gradient ratio measured in torch within 5 %", () => {
  assert(cases.length >= 12);
  for (const c of cases) {
    const predicted = predict(c, c.dataset_size);
    const error = Math.abs(predicted / c.measured_ratio - 1);
    assert(
      error < 0.05,
      `N=${c.dataset_size} B=${c.batch_size} ${c.point}: ${predicted} vs ${c.measured_ratio}`,
    );
  }
});

Deno.test("independent draws miss the small data sets: N=100, B=64 measured 1.778, predicted 1.333", () => {
  const small = cases.find((c) => c.dataset_size === 100 && c.point === "optimum")!;
  assertAlmostEquals(small.measured_ratio, 64 / 36, 1e-6); // the last batch is the full one's complement
  assertAlmostEquals(predict(small), Math.sqrt(64 / 36), 1e-6);
  assert(!withinTenPercent(predict(small), small.measured_ratio));
  const mid = cases.find((c) => c.dataset_size === 300 && c.point === "optimum")!;
  assert(
    !withinTenPercent(predict(mid), mid.measured_ratio),
    `${predict(mid)} vs ${mid.measured_ratio}`,
  );
  // and the factor is negligible for N = 5000: both within 1 % of each other
  const large = cases.find((c) => c.dataset_size === 5000 && c.point === "optimum")!;
  assert(Math.abs(predict(large) / predict(large, 5000) - 1) < 0.01);
});

Deno.test("POST /v1/last-batch with N=100, B=64, mean, grad_noise_scale 1e9 gives grad_scale within 10 % of 1.778", async () => {
  const res = await app.request("/v1/last-batch", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      dataset_size: 100,
      batch_size: 64,
      reduction: "mean",
      grad_noise_scale: 1e9,
    }),
  });
  const body = await res.json();
  const measured =
    cases.find((c) => c.dataset_size === 100 && c.point === "optimum")!.measured_ratio;
  assert(withinTenPercent(body.grad_scale, measured), `${body.grad_scale}`);
  assertAlmostEquals(body.gradient.range[1], 64 / 36, 1e-9);
});

Deno.test("a window of one micro-batch is gradScale, with or without a finite data set", () => {
  fc.assert(fc.property(
    fc.integer({ min: 2, max: 512 }),
    fc.integer({ min: 1, max: 511 }),
    fc.integer({ min: 0, max: 2000 }),
    fc.integer({ min: 1, max: 4 }),
    fc.double({ min: 0, max: 1e6, noNaN: true }),
    (b, rr, extra, ranks, noise) => {
      const r = 1 + (rr % b);
      const datasetSize = ranks * b + extra + 1;
      const window = windowGradScale({
        microBatchSizes: [r],
        accumulationSteps: 1,
        batchSize: b,
        reduction: "mean",
        noiseScale: noise,
        datasetSize,
        ranks,
      });
      const plain = gradScale({
        batchSize: b,
        lastBatchSize: r,
        reduction: "mean",
        noiseScale: noise,
        datasetSize,
        ranks,
      });
      return Math.abs(window.combined - plain.combined) <= 1e-9 * plain.combined;
    },
  ));
});
