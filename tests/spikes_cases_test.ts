/**
 * The spike analysis, case by case: one row per case — real logs first (the public runs of
 * tests/fixtures/real, sent through the app as a user would and judged on the label written from
 * their plot; then the PyTorch records of tests/fixtures/pytorch), then synthetic runs
 * (tests/synthetic_curves.ts) for what the real ones do not hold. Each row names the run, the
 * options a user would send, and what the answer must and must not say. (The corpus's known
 * misses are held by the ratchet, tests/real_logs_test.ts: here only the rows it expects met.)
 */
import { assert, assertEquals } from "@std/assert";
import { ask, CORPUS_DIR, loadCorpus } from "../bench/corpus/cases.ts";
import { judge } from "../bench/corpus/judge.ts";
import type { Severity } from "../lib/findings/mod.ts";
import { analyzeSpikes, type SpikeOptions, type SpikeReport } from "../lib/spikes/mod.ts";
import { loadFixture, lossOf } from "./fixtures.ts";
import {
  blowUp,
  fallThenRise,
  fineTune,
  rounded,
  runningMeanRun,
  sawtoothRun,
  sparseRunningMean,
  staircaseRun,
} from "./synthetic_curves.ts";

interface Row {
  /** What the analysis does with this run, as a sentence. */
  name: string;
  loss: () => Float64Array | Promise<Float64Array>;
  options?: SpikeOptions;
  /** Ids the findings must hold (each with its severity when given). */
  findings?: Record<string, Severity | true>;
  /** Ids the findings must not hold. */
  forbidden?: string[];
  /** The period in steps, within 2 % or a logged point (null: none). */
  period?: number | null;
  /** Anything else the answer must satisfy. */
  check?: (report: SpikeReport) => void;
}

const pytorch = (name: string) => async () => lossOf(await loadFixture(name));

/** Every listed spike departs from its baseline in its direction, and has one. */
function spikesStandOut(report: SpikeReport): void {
  for (const s of report.spikes) {
    assert(Number.isFinite(s.baseline), `spike at step ${s.step} has baseline ${s.baseline}`);
    const above = s.value > s.baseline;
    assert(s.direction === "up" ? above : !above, `spike at step ${s.step}: ${JSON.stringify(s)}`);
  }
}

const ROWS: Row[] = [
  // PyTorch records (tests/fixtures/pytorch, recorded with torch 1.13)
  {
    name: "the contrastive fp16 run is NaN at its end and rising, and its spikes stand out",
    loss: pytorch("contrastive_fp16"),
    findings: { "non-finite-loss": "critical", "rising-loss": true },
    check: spikesStandOut,
  },
  {
    name: "the single learning-rate spike is isolated, with no period",
    loss: pytorch("lr_spike_single"),
    options: { stepsPerEpoch: 156 },
    findings: { "isolated-spikes": true },
    period: null,
    check: spikesStandOut,
  },
  // Synthetic runs
  ...[1, 2, 3, 4, 5].map((seed): Row => ({
    name: `a fine-tune's steep start lists no spike at its first point and none above its trend ` +
      `but below the points before it (seed ${seed})`,
    loss: () => fineTune(300, seed, { tau: 8, sigma: 0.03 }),
    options: { logEvery: 10 },
    forbidden: ["isolated-spikes"],
    check: (report) => {
      spikesStandOut(report);
      assert(report.spikes.every((s) => s.index > 0), JSON.stringify(report.spikes[0]));
    },
  })),
  {
    name: "a loss rounded to 4 decimals near 1e-4 (Hugging Face's log) lists no rounding step " +
      "as a spike",
    loss: () => rounded(fineTune(300, 5, { start: 2.5, floor: 1.5e-4, tau: 10, drift: 0.6 }), 4),
    options: { logEvery: 10 },
    forbidden: ["isolated-spikes", "periodic-spikes"],
    period: null,
    check: (report) => assertEquals(report.spike_count, 0),
  },
  {
    name: "a contrastive loss that fell from 1.13 to 0.004 and rose to 0.014 is rising, " +
      "as a warning: it gave back a fifth of its descent",
    loss: () => fallThenRise(2000, 7),
    findings: { "rising-loss": "warning" },
  },
  {
    name: "a loss that fell from 2 to 0.5 and climbed back to 1.8 is rising, critically",
    loss: () => fallThenRise(2000, 8, { start: 2, low: 0.5, end: 1.8, fall: 0.3 }),
    findings: { "rising-loss": "critical" },
  },
  ...[1, 2, 3].map((seed): Row => ({
    name: `a 4-epoch fine-tune whose loss steps down 20 % at each epoch start and stays flat is ` +
      `an epoch-start drop at the given epoch (seed ${seed})`,
    loss: () => staircaseRun(4, 40, seed),
    options: { stepsPerEpoch: 40 },
    findings: { "epoch-start-drop": "info" },
    forbidden: ["isolated-spikes", "periodic-spikes", "unshuffled-data", "epoch-start-spike"],
    period: 40,
  })),
  ...[1, 2, 3].map((seed): Row => ({
    name: `a 10-epoch staircase is an epoch-start drop with no epoch given (seed ${seed})`,
    loss: () => staircaseRun(10, 30, seed),
    findings: { "epoch-start-drop": "info" },
    forbidden: ["periodic-spikes", "unshuffled-data"],
    period: 30,
  })),
  ...[1, 2].map((seed): Row => ({
    name: `data in the same order every epoch, dropping at each start and climbing back within ` +
      `the epoch, is unshuffled data, not a staircase (seed ${seed})`,
    loss: () => sawtoothRun(8, 40, seed),
    options: { stepsPerEpoch: 40 },
    findings: { "unshuffled-data": true },
    forbidden: ["epoch-start-drop"],
  })),
  ...[1, 2].map((seed): Row => ({
    name: `a Keras progress bar's running mean, restarting 25 % lower each epoch, is epoch-` +
      `average logging at warning, with no isolated spike and no epoch-start spike (seed ${seed})`,
    loss: () => runningMeanRun(6, 113, seed),
    options: { stepsPerEpoch: 113 },
    findings: { "epoch-average-logging": "warning" },
    forbidden: ["isolated-spikes", "epoch-start-spike", "epoch-start-drop", "rising-loss"],
    period: 113,
  })),
  ...[1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((seed): Row => {
    const run = sparseRunningMean(seed);
    return {
      name: `a running mean with 4–10 logged points an epoch is epoch-average logging at the ` +
        `epoch, with no isolated spike and no epoch-start spike (seed ${seed}: ${run.describe})`,
      loss: () => run.loss,
      options: { steps: run.steps, stepsPerEpoch: run.stepsPerEpoch },
      findings: { "epoch-average-logging": true },
      forbidden: ["isolated-spikes", "epoch-start-spike", "epoch-start-drop", "unshuffled-data"],
      period: run.stepsPerEpoch,
    };
  }),
  ...[[6, 1], [8, 2], [5, 3], [10, 4]].map(([perEpoch, seed]): Row => ({
    name: `per-step losses with the epoch given at ${perEpoch} points an epoch are not read as ` +
      `running means (seed ${seed})`,
    loss: () => fineTune(perEpoch * 20, seed, { tau: perEpoch * 4, sigma: 0.1 }),
    options: { stepsPerEpoch: perEpoch },
    forbidden: ["epoch-average-logging", "isolated-spikes", "epoch-start-spike"],
    check: (report) => assert(!/undone as running means/.test(report.periodicity.method)),
  })),
  ...[1, 2, 3].map((seed): Row => ({
    name: `a short run whose loss falls three decades over its first few points is not a ` +
      `transient instability: its start is not a blow-up from a level it had reached (seed ${seed})`,
    loss: () => fineTune(40, seed, { start: 6, floor: 0.006, tau: 2, sigma: 0.05 }),
    forbidden: ["transient-instability", "divergence", "isolated-spikes"],
  })),
  ...[1, 2].map((seed): Row => ({
    name: `two learning-rate drops in a run of 10 epochs are not a profile repeating every epoch ` +
      `(seed ${seed})`,
    loss: () => {
      const loss = fineTune(4000, seed, { start: 3, floor: 1, tau: 800, sigma: 0.03 });
      return loss.map((v, i) => v * 0.7 ** ((i >= 2300 ? 1 : 0) + (i >= 3300 ? 1 : 0)));
    },
    options: { stepsPerEpoch: 400 },
    forbidden: ["unshuffled-data", "periodic-spikes", "epoch-start-drop"],
  })),
  {
    name: "a run that blows up 50× and turns NaN has diverged, critically",
    loss: () => blowUp(500, 1, { nanAfter: 20 }),
    findings: { divergence: "critical", "non-finite-loss": "critical" },
    forbidden: ["transient-instability", "isolated-spikes"],
  },
  {
    name: "a run that blows up 50× and stays there has diverged, with no NaN",
    loss: () => blowUp(500, 2),
    findings: { divergence: "critical" },
    forbidden: ["transient-instability", "non-finite-loss", "isolated-spikes"],
  },
  {
    name: "a run that blows up 30× for 5 points and comes back was transiently unstable",
    loss: () => blowUp(500, 3, { recover: true, width: 5, height: 30 }),
    findings: { "transient-instability": "warning" },
    forbidden: ["divergence", "rising-loss"],
  },
  {
    name: "a single 30× point is an isolated spike, not an instability",
    loss: () => blowUp(500, 4, { recover: true, width: 1, height: 30 }),
    findings: { "isolated-spikes": "warning" },
    forbidden: ["divergence", "transient-instability"],
  },
];

/**
 * Issue 11's reproducer, drawn from its mechanism: torchvision's MetricLogger made anew each
 * epoch, its `global_avg` printed at every one of 6 iterations, 10 epochs (60 points), a loss
 * falling from 3 towards 0.6 with batch noise `sigma`.
 */
function torchvisionGlobalAvg(seed: number, sigma: number, tau: number): Float64Array {
  const batches = fineTune(60, seed, { start: 3, floor: 0.6, tau, sigma });
  return batches.map((_, i) => {
    const start = i - (i % 6);
    return batches.slice(start, i + 1).reduce((a, b) => a + b, 0) / (i - start + 1);
  });
}

for (const [sigma, tau] of [[0.1, 30], [0.3, 15]]) {
  Deno.test(
    `a 60-point torchvision global_avg log (6 iterations an epoch, 10 epochs, ${
      100 * sigma
    } % batch noise): at least 25 of 40 drawn runs are named epoch-average logging (measured 26–28; before the undoing: 9 and 3), and none named so gets an isolated or epoch-start spike`,
    () => {
      let named = 0;
      for (let seed = 1; seed <= 40; seed++) {
        const loss = torchvisionGlobalAvg(seed, sigma, tau);
        const report = analyzeSpikes(loss, { stepsPerEpoch: 6 });
        const ids = report.findings.map((f) => f.id);
        if (!ids.includes("epoch-average-logging")) continue;
        named++;
        assert(!ids.includes("isolated-spikes") && !ids.includes("epoch-start-spike"), `${ids}`);
      }
      assert(named >= 25, `${named} of 40 named`);
    },
  );
}

Deno.test("running means with 4–10 logged points an epoch: at least 90 of 100 drawn runs are named epoch-average logging (measured 94; seed 2, the rows' gap, is one of the 6 misses), and none named so gets an isolated or epoch-start spike", () => {
  let named = 0;
  for (let seed = 1; seed <= 100; seed++) {
    const run = sparseRunningMean(seed);
    const report = analyzeSpikes(run.loss, { steps: run.steps, stepsPerEpoch: run.stepsPerEpoch });
    const ids = report.findings.map((f) => f.id);
    if (!ids.includes("epoch-average-logging")) continue;
    named++;
    assert(
      !ids.includes("isolated-spikes") && !ids.includes("epoch-start-spike"),
      `seed ${seed} (${run.describe}): [${ids}]`,
    );
  }
  assert(named >= 90, `${named} of 100 named`);
});

const corpus = await loadCorpus();
const knownMisses: Record<string, string[]> = JSON.parse(
  await Deno.readTextFile(new URL("known_misses.json", CORPUS_DIR)),
);
for (const c of corpus.filter((c) => !(c.id in knownMisses))) {
  Deno.test(`the real log ${c.id} (${c.split}): ${c.label.evidence} — meets its label`, async () => {
    const reply = await ask(c.body);
    assertEquals(judge(reply.status, reply.answer, c.label, c.logInterval), []);
  });
}

for (const row of ROWS) {
  Deno.test(row.name, async () => {
    const report = analyzeSpikes(await row.loss(), row.options ?? {});
    const ids = report.findings.map((f) => f.id);
    for (const [id, severity] of Object.entries(row.findings ?? {})) {
      const finding = report.findings.find((f) => f.id === id);
      assert(finding, `expected ${id}, found [${ids}]`);
      if (severity !== true) assertEquals(finding.severity, severity, `${id}: ${finding.evidence}`);
    }
    for (const id of row.forbidden ?? []) {
      assert(!ids.includes(id as never), `${id} present: ${JSON.stringify(report.findings)}`);
    }
    const period = report.periodicity.period;
    if (row.period === null) assertEquals(period, null);
    if (typeof row.period === "number") {
      const tolerance = Math.max(row.options?.logEvery ?? 1, 0.02 * row.period);
      assert(period !== null && Math.abs(period - row.period) <= tolerance, `period ${period}`);
    }
    row.check?.(report);
  });
}
