import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { findPeriod, foldShape, shapeFundamental } from "../lib/period/mod.ts";
import { boundaryShape, risingTrend } from "../lib/spikes/mod.ts";
import {
  analyzeSpikes,
  extremes,
  levelShifts,
  regularGrid,
  robustResiduals,
  runningMeanSignature,
} from "../lib/spikes/mod.ts";
import { random } from "./random.ts";

function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(rand() || 1e-300)) * Math.cos(2 * Math.PI * rand());
}

/** A decaying loss with multiplicative noise of the given kind. */
function curve(n: number, seed: number, noise: "gaussian" | "ar" | "heavy"): Float64Array {
  const rand = random(seed), g = gaussian(rand);
  let ar = 0;
  return Float64Array.from({ length: n }, (_, t) => {
    let e = g();
    if (noise === "ar") e = ar = 0.9 * ar + Math.sqrt(1 - 0.81) * e;
    if (noise === "heavy") e = e / Math.sqrt((g() ** 2 + g() ** 2) / 2); // Student t, 2 dof
    return (3 * (1 + t / 50) ** -0.5 + 0.5) * Math.exp(0.02 * e);
  });
}

Deno.test("findPeriod() reports no period on 30 curves of Gaussian, AR(0.9) and t(2) noise", () => {
  for (const noise of ["gaussian", "ar", "heavy"] as const) {
    for (let seed = 1; seed <= 10; seed++) {
      const { z, finite, values } = robustResiduals(curve(4000, seed, noise));
      const found = findPeriod(z, finite, {}, values);
      assertEquals(found, null, `${noise} seed ${seed}: period ${found?.period}`);
    }
  }
});

Deno.test("findPeriod() returns a spike train's period, not a multiple, at 10 000 cycles", () => {
  const loss = curve(970_000, 3, "gaussian");
  for (let s = 41; s < loss.length; s += 97) loss[s] *= 1.25;
  const { z, finite, values } = robustResiduals(loss);
  const found = findPeriod(z, finite, {}, values);
  assertAlmostEquals(found!.period, 97, 0.01);
  assertAlmostEquals(found!.phase, 41, 0.5);
});

Deno.test("findPeriod() finds a period that is not a whole number of points (157 steps / 10)", () => {
  const steps = curve(15_700, 5, "gaussian");
  for (let s = 156; s < steps.length; s += 157) steps[s] *= 4;
  const points = Float64Array.from(
    { length: steps.length / 10 },
    (_, i) => steps.subarray(10 * i, 10 * i + 10).reduce((a, b) => a + b) / 10,
  );
  const report = analyzeSpikes(points, { logEvery: 10 });
  assert(Math.abs(report.periodicity.period! - 157) <= 157 * 0.02, `${report.periodicity.period}`);
});

Deno.test("analyzeSpikes() finds the repeating profile of unshuffled data", () => {
  const rand = random(11), g = gaussian(rand);
  const profile = Array.from({ length: 120 }, () => 0.1 * g());
  const loss = Float64Array.from(
    { length: 2400 },
    (_, t) => (2 + 20 / (t + 20)) * Math.exp(profile[t % 120] + 0.02 * g()),
  );
  const report = analyzeSpikes(loss, { stepsPerEpoch: 120 });
  assertEquals(report.periodicity.period, 120);
  assertEquals(report.findings[0]?.id, "unshuffled-data");
});

Deno.test("analyzeSpikes() recognises a loss logged as the running mean of each epoch", () => {
  const rand = random(13), g = gaussian(rand);
  const raw = Float64Array.from(
    { length: 3000 },
    (_, t) => (1 + 5 / (1 + t / 100)) * Math.exp(0.2 * g()),
  );
  const logged = new Float64Array(raw.length);
  let sum = 0;
  for (let t = 0; t < raw.length; t++) {
    if (t % 200 === 0) sum = 0;
    sum += raw[t];
    logged[t] = sum / ((t % 200) + 1);
  }
  const report = analyzeSpikes(logged);
  assertEquals(report.periodicity.period, 200);
  assertEquals(report.findings.map((f) => f.id), ["epoch-average-logging"]);
});

/** The means of consecutive blocks of k values (a loss logged every k steps). */
function meansOf(x: Float64Array, k: number): Float64Array {
  return Float64Array.from({ length: Math.floor(x.length / k) }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += x[k * i + j];
    return sum / k;
  });
}

/** The mean since each epoch began of a per-step loss (Keras's logged loss). */
function runningMeanPerEpoch(raw: Float64Array, epoch: number): Float64Array {
  const logged = new Float64Array(raw.length);
  let sum = 0;
  for (let t = 0; t < raw.length; t++) {
    if (t % epoch === 0) sum = 0;
    sum += raw[t];
    logged[t] = sum / ((t % epoch) + 1);
  }
  return logged;
}

Deno.test("levelShifts() peaks at the first point of every step of a staircase, and nowhere else", () => {
  const rand = random(5), g = gaussian(rand);
  const loss = Float64Array.from(
    { length: 600 },
    (_, t) => 2 ** -Math.floor(t / 100) * Math.exp(0.01 * g()),
  );
  const shifts = levelShifts(robustResiduals(loss));
  const found = extremes(shifts, 6).map((e) => [e.index, e.direction]);
  assertEquals(found, [[100, "down"], [200, "down"], [300, "down"], [400, "down"], [500, "down"]]);
});

Deno.test("analyzeSpikes() finds a running mean's restarts over 7 epochs when the loss falls faster than its noise", () => {
  const rand = random(17), g = gaussian(rand);
  const raw = Float64Array.from(
    { length: 882 },
    (_, t) => (0.5 + 3 / (1 + t / 200)) * Math.exp(0.01 * g()),
  );
  const report = analyzeSpikes(runningMeanPerEpoch(raw, 126));
  assertEquals(report.periodicity.period, 126);
  assertEquals(report.periodicity.phase, 0);
  assertEquals(report.findings.map((f) => f.id), ["epoch-average-logging"]);
});

Deno.test("runningMeanSignature() measures the restart's jump as half the drift of a cycle", () => {
  // A linearly falling loss: the jump is (P + 1)/2 steps of the slope, the cycle's drift P.
  const loss = Float64Array.from({ length: 1000 }, (_, t) => 10 - 0.001 * t);
  const signature = runningMeanSignature(
    runningMeanPerEpoch(loss, 100),
    new Uint8Array(1000).fill(1),
    100,
  );
  assertEquals(signature.resetPhase, 0);
  assertAlmostEquals(signature.jumpShare, 0.505, 0.01);
  assert(signature.runningMean);
});

Deno.test("runningMeanSignature() calls a last-batch dip logged in means of 10 steps a transient, not a restart", () => {
  // The dip and the way out of it, at 6.2 points per epoch: the largest change of the cycle
  // is one sign in every cycle, like a restart's, but the steps beside it undo it.
  const rand = random(29), g = gaussian(rand);
  const raw = Float64Array.from(
    { length: 16_120 },
    (_, t) => (1 + 3 / (1 + t / 3000)) * (t % 62 === 61 ? 0.2 : 1) * Math.exp(0.02 * g()),
  );
  const points = meansOf(raw, 10).map(Math.log);
  const signature = runningMeanSignature(points, new Uint8Array(points.length).fill(1), 6.2);
  assertEquals(signature.runningMean, false);
});

Deno.test("analyzeSpikes() folds the running-mean signature at the given epoch, not at a period found a little off", () => {
  const rand = random(31), g = gaussian(rand);
  const raw = Float64Array.from(
    { length: 7000 },
    (_, t) => (0.3 + 2 / (1 + t / 900)) * Math.exp(0.05 * g()),
  );
  const logged = runningMeanPerEpoch(raw, 100);
  const points = Float64Array.from({ length: 700 }, (_, i) => logged[10 * i + 9]);
  const report = analyzeSpikes(points, { logEvery: 10, stepsPerEpoch: 100 });
  assertEquals(report.periodicity.period, 100);
  assertEquals(report.findings[0]?.id, "epoch-average-logging");
});

Deno.test("runningMeanSignature() at 28.0024 instead of 28 puts the restart in a sliver bin and weakens the decay (why analyzeSpikes() folds at whole steps)", () => {
  const rand = random(37), g = gaussian(rand);
  const raw = Float64Array.from(
    { length: 2100 },
    (_, t) => (0.2 + (1 + t / 13) ** -1.1) * Math.exp(0.03 * g()),
  );
  const y = runningMeanPerEpoch(raw, 28).map(Math.log);
  const finite = new Uint8Array(y.length).fill(1);
  const whole = runningMeanSignature(y, finite, 28);
  const off = runningMeanSignature(y, finite, 28.0024);
  assertEquals([whole.resetPhase, off.resetPhase], [0, 28]);
  assert(whole.slope < -0.75 && off.slope > whole.slope + 0.15, `${whole.slope} ${off.slope}`);
});

Deno.test("runningMeanSignature() takes a restart that goes the drift's way in 33 of 42 cycles as steady", () => {
  // Means of 10 steps of a running mean over 76-step epochs, with noise on the logged values
  // that hides the 1/j decay: only the restart's jump tells (33 of 42 is p < 10⁻³ by chance).
  const rand = random(20), g = gaussian(rand);
  const raw = Float64Array.from({ length: 5320 }, (_, t) => 0.3 + (1 + t / 120) ** -1.2);
  const logged = runningMeanPerEpoch(raw, 76);
  const y = meansOf(logged, 10).map((mean) => Math.log(mean) + 0.002 * g());
  const signature = runningMeanSignature(y, new Uint8Array(y.length).fill(1), 7.6);
  assert(signature.slope > -0.35, `slope ${signature.slope}`);
  assert(signature.runningMean);
});

Deno.test("findPeriod() calls a spike train's whole cycle repeating only when the rest of it explains 15 % of the variance", () => {
  // A spike at the last step of each 40-step epoch, over a per-step profile that explains 8 %
  // (a momentum tail's remnant, a trend's ripple: significant over 200 cycles, not the data
  // order) or 50 % (the batches in one order every epoch) of the variance besides the spike.
  for (const [amplitude, repeats] of [[0.3, false], [1, true]] as const) {
    const rand = random(41), g = gaussian(rand);
    const profile = Array.from({ length: 40 }, () => g());
    const loss = Float64Array.from(
      { length: 8000 },
      (_, t) =>
        (1 + 3 / (1 + t / 500)) *
        Math.exp(0.02 * (amplitude * profile[t % 40] + g()) + (t % 40 === 39 ? 1 : 0)),
    );
    const { z, finite, values } = robustResiduals(loss);
    const found = findPeriod(z, finite, {}, values)!;
    assertEquals([found.period, found.kind], [40, "spikes-up"]);
    assertEquals(found.smoothness !== null, repeats, `amplitude ${amplitude}`);
  }
});

Deno.test("analyzeSpikes() answers a last-batch spike diluted in means of 50 steps as that, not as unshuffled data", () => {
  // 5 points an epoch: the point holding the last batch is a few % high, found as a shape.
  const rand = random(1), g = gaussian(rand);
  const raw = Float64Array.from(
    { length: 250 * 150 },
    (_, t) => (0.5 + 2 * (1 + t / 5000) ** -0.7) * (t % 250 === 249 ? 4 : 1) * Math.exp(0.3 * g()),
  );
  const report = analyzeSpikes(meansOf(raw, 50), { logEvery: 50, stepsPerEpoch: 250 });
  assertEquals([report.periodicity.period, report.periodicity.kind], [250, "spikes-up"]);
  assertEquals(report.findings[0]?.id, "last-batch-spike");
});

Deno.test("boundaryShape() finds no boundary point in the profile of unshuffled data", () => {
  // 40 epochs of one random per-point profile: the variance is spread over the epoch.
  const rand = random(43), g = gaussian(rand);
  const profile = Array.from({ length: 12 }, () => g());
  const z = Float64Array.from({ length: 480 }, (_, i) => profile[i % 12] + 0.3 * g());
  const finite = new Uint8Array(z.length).fill(1);
  const at = (offset: number) => ({
    median: 1,
    min: 1,
    max: 1,
    epochs: 40,
    spikeShare: 0,
    ratios: [],
    indices: Array.from({ length: 40 }, (_, e) => 12 * e + offset),
  });
  const largest = profile.reduce((a, v, i) => Math.abs(v) > Math.abs(profile[a]) ? i : a, 0);
  assertEquals(boundaryShape(z, finite, 12, at(11), at(0)), null);
  // … but the same profile with its largest bin put at the boundary, ten times as large, is one.
  const spiked = z.map((v, i) => i % 12 === largest ? 10 * v : v);
  assertEquals(boundaryShape(spiked, finite, 12, at(largest), at(0))?.side, "last");
});

Deno.test("analyzeSpikes() puts a last-batch spike at step 334 of a 335-step epoch even when the period is found a hair short", () => {
  // Nine epochs: the period found is a little under 335, and the spikes' mean phase folded at
  // it drifts towards 335 — the next epoch's first step — unless folded at the epoch itself.
  const rand = random(13), g = gaussian(rand);
  const loss = Float64Array.from({ length: 3065 }, (_, t) => {
    const u = t % 335;
    const tail = u === 334 || t < 335 ? 0 : 2.275 * Math.exp(-(u + 1) / 8.2);
    return (0.5 + 2 * (1 + t / 800) ** -0.8) * (u === 334 ? 6 : 1 + tail) * Math.exp(0.06 * g());
  });
  const report = analyzeSpikes(loss, { stepsPerEpoch: 335 });
  assertEquals(report.periodicity.phase, 334);
  assertEquals(report.epoch_alignment?.position, "last-step");
  assertEquals(report.findings[0]?.id, "last-batch-spike");
});

Deno.test("analyzeSpikes() lists two 10× spikes in 565 points, whose tails fill the top 1 % of |z|", () => {
  // The bar for an isolated spike scales with the 99th percentile of |z|; in 565 points that
  // is the 6th largest, a point of the spikes' own tails — so it is taken 10 points down.
  const rand = random(3), g = gaussian(rand);
  let noise = 0;
  const loss = Float64Array.from({ length: 565 }, (_, t) => {
    noise = 0.6 * noise + g();
    let bump = 0;
    for (const at of [122, 271]) if (t >= at) bump += 9.6 * Math.exp(-(t - at) / 2.4);
    return (1 + bump) * Math.exp(0.03 * noise);
  });
  const report = analyzeSpikes(loss);
  assertEquals(report.findings.map((f) => f.id), ["isolated-spikes"]);
  assert(/steps? 122|step 271/.test(report.findings[0].evidence), report.findings[0].evidence);
});

Deno.test("risingTrend() compares a repeating curve over whole cycles: a hard half-epoch at the end is not a rise", () => {
  // Eight 1 000-step epochs of data in one order, the second half of each 60 % harder: the
  // last tenth of the run (800 steps) is mostly hard, the first stretches all easy.
  const rand = random(47), g = gaussian(rand);
  const loss = Float64Array.from(
    { length: 8000 },
    (_, t) => (t % 1000 >= 500 ? 1.6 : 1) * Math.exp(0.01 * g()),
  );
  assert(risingTrend(loss)!.rising);
  const whole = risingTrend(loss, 1000)!;
  assert(!whole.rising && Math.abs(whole.factor - 1) < 0.05, `${whole.factor}`);
});

Deno.test("shapeFundamental() divides a profile of 81 steps logged every 10 down to 8.1 points", () => {
  // 81 is prime to 10, so the fold at 81 points (810 steps) holds each step's phase once: it
  // explains as much as the true period, which is found by the sub-point phase order.
  const rand = random(23), g = gaussian(rand);
  const difficulty = Array.from({ length: 81 }, () => g());
  const steps = Float64Array.from({ length: 40_500 }, (_, t) => difficulty[t % 81] + 0.3 * g());
  const points = meansOf(steps, 10);
  const finite = new Uint8Array(points.length).fill(1);
  const foldAt = (p: number) => foldShape(points, finite, p);
  const multiple = foldAt(81);
  const { period } = shapeFundamental(81, multiple, foldAt, (_, f) => f.z >= 6);
  assertAlmostEquals(period, 8.1, 1e-9);
  // A profile that is its own: not divided.
  const own = Float64Array.from({ length: 4050 }, (_, i) => difficulty[i % 81] + 0.3 * g());
  const fold = foldShape(own, finite, 81);
  const kept = shapeFundamental(81, fold, (p) => foldShape(own, finite, p), (_, f) => f.z >= 6);
  assertEquals(kept.period, 81);
});

Deno.test("analyzeSpikes() finds a spike every 157 steps across rows missing from `steps`", () => {
  const rand = random(29), g = gaussian(rand);
  const all = Float64Array.from(
    { length: 4000 },
    (_, t) => (1 + 3 / (1 + t / 300)) * Math.exp(0.02 * g()) * (t % 157 === 156 ? 3 : 1),
  );
  // Two holes, 300 and 45 rows long: every later spike sits fewer points after the one before.
  const kept = [...all.keys()].filter((t) => !(t >= 1000 && t < 1300) && !(t >= 2500 && t < 2545));
  const loss = Float64Array.from(kept, (t) => all[t]);
  const steps = Float64Array.from(kept);
  const report = analyzeSpikes(loss, { steps });
  assertEquals(report.n, loss.length);
  assertEquals(report.periodicity.period, 157);
  assertEquals(report.periodicity.phase, 156);
  assertEquals(report.non_finite.count, 0);
  // Spikes keep the index of their row.
  for (const spike of report.spikes) assertEquals(steps[spike.index], spike.step);
});

Deno.test("regularGrid() puts rows on the median stride and leaves series without gaps alone", () => {
  const grid = regularGrid(new Float64Array([1, 2, 4]), new Float64Array([0, 10, 30]), 10)!;
  assertEquals([...grid.loss], [1, 2, NaN, 4]);
  assertEquals([...grid.steps], [0, 10, 20, 30]);
  assertEquals([...grid.index], [0, 1, -1, 2]);
  assertEquals(regularGrid(new Float64Array([1, 2]), new Float64Array([0, 10]), 10), null);
  // Rows off the grid, or a grid that would be mostly gap: left as they are.
  assertEquals(regularGrid(new Float64Array([1, 2, 3]), new Float64Array([0, 10, 25]), 10), null);
  assertEquals(regularGrid(new Float64Array([1, 2, 3]), new Float64Array([0, 10, 90]), 10), null);
});
