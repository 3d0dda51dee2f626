/**
 * The spike analysis, case by case: one row per case — real logs first (the PyTorch records of
 * tests/fixtures/pytorch), then synthetic runs (tests/synthetic_curves.ts) for what the real
 * ones do not hold. Each row names the run, the options a user would send, and what the answer
 * must and must not say.
 */
import { assert, assertEquals } from "@std/assert";
import type { Severity } from "../lib/findings/mod.ts";
import { analyzeSpikes, type SpikeOptions, type SpikeReport } from "../lib/spikes/mod.ts";
import { loadFixture, lossOf } from "./fixtures.ts";
import { fallThenRise, fineTune, rounded } from "./synthetic_curves.ts";

interface Row {
  /** What the analysis does with this run, as a sentence. */
  name: string;
  loss: () => Float64Array | Promise<Float64Array>;
  options?: SpikeOptions;
  /** Ids the findings must hold (each with its severity when given). */
  findings?: Record<string, Severity | true>;
  /** Ids the findings must not hold. */
  forbidden?: string[];
  /** The period in steps (null: none). */
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
];

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
    if (row.period !== undefined) assertEquals(report.periodicity.period, row.period);
    row.check?.(report);
  });
}
