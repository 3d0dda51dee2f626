/**
 * The series beside the loss, on real runs: the eval loss (`overfitting`) and the learning rate
 * (spikes on schedule events), through the library and `POST /v1/spikes`.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { parseSeriesBody } from "../lib/parse/mod.ts";
import { analyzeSpikes, evalLossTrend } from "../lib/spikes/mod.ts";
import app from "../routes/app.ts";
import { loadFixture, lossOf } from "./fixtures.ts";

const frameworks = new URL("./fixtures/frameworks/", import.meta.url);

async function analyzeFile(file: string) {
  const body = parseSeriesBody(await Deno.readTextFile(new URL(file, frameworks)), null);
  return analyzeSpikes(body.loss, {
    steps: body.steps ?? undefined,
    stepsPerEpoch: body.implied.steps_per_epoch,
    logEvery: body.implied.log_every,
    evalLoss: body.series.eval_loss,
    learningRate: body.series.learning_rate,
  });
}

/** One row per real run with an eval series: does it overfit, and from which step? */
const OVERFITTING_ROWS = [
  {
    file: "whisper_small_hi.trainer_state.json",
    overfits: true,
    bestStep: 1000,
    why: "eval 0.307 → 0.468 over 4 evaluations while the loss falls 0.10 → 0.0002",
  },
  {
    file: "shakespeare_char_m4.nanogpt.txt",
    overfits: false,
    bestStep: 500,
    why: "val loss falls at every evaluation (4.28 → 2.33)",
  },
  {
    file: "hmm_version_8.metrics.csv",
    overfits: false,
    bestStep: null,
    why: "val loss flat at ln 2 = 0.693 for 50 epochs (a model that learns nothing)",
  },
  {
    file: "siamese_lstm_18k.keras.txt",
    overfits: false,
    bestStep: null,
    why: "val loss 0.42, 0.25, 0.25, 0.24, 0.31, 0.29, 0.26: up and down, no trend after the best",
  },
];

for (const row of OVERFITTING_ROWS) {
  Deno.test(`${row.file}: ${row.overfits ? "overfitting" : "no overfitting"} — ${row.why}`, async () => {
    const report = await analyzeFile(row.file);
    const finding = report.findings.find((f) => f.id === "overfitting");
    assertEquals(finding !== undefined, row.overfits, JSON.stringify(report.findings));
    if (row.bestStep !== null && finding) {
      assertStringIncludes(finding.title, `since step ${row.bestStep}`);
      assertStringIncludes(finding.remedies[0], `step ${row.bestStep}`);
    }
  });
}

Deno.test("the eval trend leaves the best point out of its slope: a dip then noise is not a rise", () => {
  // Whisper_small_hi's evaluations rise at every step after the best: p of the slope < 0.05.
  const rising = evalLossTrend({
    steps: Float64Array.of(1000, 2000, 3000, 4000, 5000),
    values: Float64Array.of(0.30747, 0.35580, 0.42144, 0.45191, 0.46792),
  })!;
  assert(rising.rising && rising.p < 0.05, JSON.stringify(rising));
  // The 18k Keras run's val_loss: its best (0.244) then 0.309, 0.293, 0.263 — falling again.
  const noisy = evalLossTrend({
    steps: Float64Array.of(281, 563, 845, 1127, 1409, 1691, 1973),
    values: Float64Array.of(0.4154, 0.2489, 0.2516, 0.244, 0.3092, 0.2929, 0.2632),
  })!;
  assertEquals(noisy.rising, false);
});

Deno.test("lr_spike_single: the spike one step after the learning rate jumped 25× is explained by the schedule", async () => {
  const fixture = await loadFixture("lr_spike_single");
  const loss = lossOf(fixture);
  const lr = Float64Array.from(fixture.series.lr, (v) => v ?? NaN);
  const without = analyzeSpikes(loss);
  const isolated = without.findings.find((f) => f.id === "isolated-spikes")!;
  assertEquals(isolated.severity, "warning");
  const withLr = analyzeSpikes(loss, {
    learningRate: { steps: Float64Array.from(lr, (_, i) => i), values: lr, aligned: true },
  });
  const explained = withLr.findings.find((f) => f.id === "isolated-spikes")!;
  assertEquals(explained.severity, "info");
  assertStringIncludes(explained.evidence, "step 701");
  assertStringIncludes(explained.evidence, "0.02 → 0.5 at step 700");
});

Deno.test("POST /v1/spikes takes learning_rate aligned with loss, and eval_loss on its own steps", async () => {
  const fixture = await loadFixture("lr_spike_single");
  const res = await app.request("/v1/spikes", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      loss: fixture.loss,
      learning_rate: fixture.series.lr,
      eval_loss: { steps: [500, 1000, 1500], values: [0.5, 0.45, 0.44] },
    }),
  });
  assertEquals(res.status, 200);
  const answer = await res.json();
  assertEquals(answer.input.series, {
    loss: fixture.loss.length,
    eval_loss: 3,
    learning_rate: fixture.loss.length,
    grad_norm: 0,
  });
  const isolated = answer.findings.filter((f: { id: string }) => f.id === "isolated-spikes");
  assertEquals(isolated.map((f: { severity: string }) => f.severity), ["info"]);
});

Deno.test("a malformed side series is a 422 naming its first bad element", async () => {
  const cases: [unknown, string][] = [
    [[0.1, 0.2], "/learning_rate: expected 3 values"],
    [{ steps: [1, 2], values: [0.1] }, "/learning_rate/values: expected 2 values"],
    [{ steps: [2, 1], values: [0.1, 0.2] }, "/learning_rate/steps/1"],
    [[0.1, "fast", 0.3], "/learning_rate/1"],
  ];
  for (const [learning_rate, detail] of cases) {
    const res = await app.request("/v1/spikes", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ loss: [1, 2, 3], learning_rate }),
    });
    assertEquals(res.status, 422);
    assertStringIncludes((await res.json()).detail, detail);
  }
});
