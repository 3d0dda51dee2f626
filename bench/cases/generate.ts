/**
 * The benchmark's loss curves with ground truth, generated on the fly from a seed (never
 * committed as data): several hundred cases over every cause `/v1/spikes` must tell apart.
 *
 * Each case draws from its own random stream, seeded by (seed, kind, index), so choosing some
 * kinds, or adding a kind, leaves every other case unchanged. Hand-made cases reproduce the
 * PyTorch fixtures' setting (157 steps per epoch, B = 32, last batch 8: ratio 4) and the field
 * report's (1390 steps per epoch, logged every 10 steps), and a few have 10^6 points.
 *
 * Usage:
 *   deno run -A bench/cases/generate.ts --list [--seed 1] [--scale 1] [--kind K]
 *   deno run -A bench/cases/generate.ts --write DIR [...]   # NAME.json bodies for /v1/spikes
 */
import {
  clean,
  dropLastControl,
  isolatedSpikes,
  lrDrops,
  nonFinite,
  type PlainForce,
  randomSpikes,
  risingLoss,
} from "./aperiodic.ts";
import {
  epochAverageLogging,
  epochStartSpike,
  type Force,
  lastBatchDip,
  lastBatchSpike,
  periodicOther,
  unshuffledData,
} from "./periodic.ts";
import { Random } from "./random.ts";
import type { Case } from "./types.ts";

type Builder = (random: Random, index: number, force?: Force & PlainForce) => Case;

/** Every kind, its builder and how many cases it gets at scale 1. */
export const KINDS: Record<string, { build: Builder; count: number; periodic: boolean }> = {
  "last-batch-spike": { build: lastBatchSpike, count: 90, periodic: true },
  "last-batch-dip": { build: lastBatchDip, count: 40, periodic: true },
  "epoch-start-spike": { build: epochStartSpike, count: 40, periodic: true },
  "epoch-average-logging": { build: epochAverageLogging, count: 35, periodic: true },
  "unshuffled-data": { build: unshuffledData, count: 35, periodic: true },
  "periodic-other": { build: periodicOther, count: 60, periodic: true },
  "clean": { build: clean, count: 50, periodic: false },
  "lr-drops": { build: lrDrops, count: 20, periodic: false },
  "drop-last-control": { build: dropLastControl, count: 30, periodic: false },
  "isolated-spikes": { build: isolatedSpikes, count: 40, periodic: false },
  "random-spikes": { build: randomSpikes, count: 30, periodic: false },
  "rising-loss": { build: risingLoss, count: 30, periodic: false },
  "non-finite": { build: nonFinite, count: 30, periodic: false },
};

/** Hand-made cases: [kind, index, force]; indices from 900 keep them apart from drawn ones. */
const SPECIAL: [string, number, Force & PlainForce][] = [
  ["last-batch-spike", 900, {
    special: "fixture-ssd-157-steps_per_epoch",
    layout: { logEvery: 1, minPeriod: 157, maxPeriod: 157, nMin: 1570, nMax: 1570 },
    info: "steps_per_epoch",
    batches: { batchSize: 32, lastBatch: 8 },
  }],
  ["last-batch-spike", 901, {
    special: "fixture-ssd-157-dataset",
    layout: { logEvery: 1, minPeriod: 157, maxPeriod: 157, nMin: 1570, nMax: 1570 },
    info: "dataset",
    batches: { batchSize: 32, lastBatch: 8 },
  }],
  ["last-batch-dip", 902, {
    special: "fixture-sum-reduction-157",
    layout: { logEvery: 1, minPeriod: 157, maxPeriod: 157, nMin: 1570, nMax: 1570 },
    info: "dataset",
    batches: { batchSize: 32, lastBatch: 8 },
  }],
  ["last-batch-spike", 903, {
    special: "field-report-1390-every-10",
    layout: { logEvery: 10, minPeriod: 1390, maxPeriod: 1390, nMin: 2000, nMax: 5000 },
    info: "none",
    batches: { batchSize: 16, lastBatch: 4 },
  }],
  ["last-batch-spike", 904, {
    special: "field-report-1390-every-10-with-epoch",
    layout: { logEvery: 10, minPeriod: 1390, maxPeriod: 1390, nMin: 2000, nMax: 5000 },
    info: "steps_per_epoch",
    batches: { batchSize: 16, lastBatch: 4 },
  }],
  ["last-batch-spike", 905, {
    special: "157-every-10",
    layout: { logEvery: 10, minPeriod: 157, maxPeriod: 157, nMin: 600, nMax: 3000 },
    info: "none",
  }],
  // 10^6 points: the size the service promises to handle.
  ["last-batch-spike", 950, {
    special: "large",
    layout: {
      logEvery: 1,
      minPeriod: 1390,
      maxPeriod: 1390,
      nMin: 1e6,
      nMax: 1e6,
      maxCycles: Infinity,
    },
    info: "none",
  }],
  ["last-batch-dip", 951, {
    special: "large",
    layout: {
      logEvery: 1,
      minPeriod: 500,
      maxPeriod: 3000,
      nMin: 1e6,
      nMax: 1e6,
      maxCycles: Infinity,
    },
    info: "dataset",
  }],
  ["unshuffled-data", 952, {
    special: "large",
    layout: {
      logEvery: 1,
      minPeriod: 3000,
      maxPeriod: 5000,
      nMin: 1e6,
      nMax: 1e6,
      maxCycles: Infinity,
    },
  }],
  ["periodic-other", 953, {
    special: "large",
    layout: {
      logEvery: 1,
      minPeriod: 97,
      maxPeriod: 97,
      nMin: 1e6,
      nMax: 1e6,
      maxCycles: Infinity,
    },
  }],
  ["epoch-average-logging", 954, {
    special: "large",
    layout: {
      logEvery: 1,
      minPeriod: 5000,
      maxPeriod: 5000,
      nMin: 1e6,
      nMax: 1e6,
      maxCycles: Infinity,
    },
    info: "steps_per_epoch",
  }],
  ["clean", 955, { special: "large", n: 1e6 }],
  ["random-spikes", 956, { special: "large", n: 1e6 }],
  ["non-finite", 957, { special: "large", n: 1e6 }],
];

/** Options of {@linkcode generateCases}. */
export interface GenerateOptions {
  seed?: number;
  /** Multiplies every kind's count (0.1 for a quick look). */
  scale?: number;
  /** Only these kinds (all when absent). */
  kinds?: string[];
  /** Include the hand-made cases (default true). */
  special?: boolean;
  /** Skip hand-made cases above this many points (the 10^6 ones). */
  maxN?: number;
}

function streamSeed(seed: number, kind: string, index: number): number {
  let h = 2166136261 ^ seed;
  for (const c of `${kind}#${index}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** The plan: which (kind, index, force) cases exist, cheaply, without generating them. */
export function planCases(options: GenerateOptions = {}): [string, number, Force & PlainForce][] {
  const scale = options.scale ?? 1;
  const plan: [string, number, Force & PlainForce][] = [];
  for (const [kind, { count }] of Object.entries(KINDS)) {
    if (options.kinds && !options.kinds.includes(kind)) continue;
    const total = Math.max(1, Math.round(count * scale));
    for (let i = 0; i < total; i++) plan.push([kind, i, {}]);
  }
  if (options.special ?? true) {
    for (const [kind, index, force] of SPECIAL) {
      if (options.kinds && !options.kinds.includes(kind)) continue;
      const n = force.n ?? force.layout?.nMin ?? 0;
      if (options.maxN !== undefined && n > options.maxN) continue;
      plan.push([kind, index, force]);
    }
  }
  return plan;
}

/** Builds one planned case. */
export function buildCase(
  seed: number,
  kind: string,
  index: number,
  force: Force & PlainForce,
): Case {
  return KINDS[kind].build(new Random(streamSeed(seed, kind, index)), index, force);
}

/** Generates the cases one at a time (a case of 10^6 points is ~8 MB: do not hold them all). */
export function* generateCases(options: GenerateOptions = {}): Generator<Case> {
  for (const [kind, index, force] of planCases(options)) {
    yield buildCase(options.seed ?? 1, kind, index, force);
  }
}

/** The `/v1/spikes` JSON body of a case (non-finite points as `null`, as JSON must). */
export function requestBody(kase: Case): Record<string, unknown> {
  return {
    loss: kase.loss.map((v) => (Number.isFinite(v) ? v : null)),
    ...kase.steps ? { steps: kase.steps } : {},
    ...kase.options,
  };
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (import.meta.main) {
  const args = Deno.args;
  const options: GenerateOptions = {
    seed: Number(flag(args, "--seed") ?? 1),
    scale: Number(flag(args, "--scale") ?? 1),
    kinds: flag(args, "--kind")?.split(","),
  };
  const dir = flag(args, "--write");
  if (dir) await Deno.mkdir(dir, { recursive: true });
  for (const kase of generateCases(options)) {
    if (dir) {
      await Deno.writeTextFile(`${dir}/${kase.name}.json`, JSON.stringify(requestBody(kase)));
      await Deno.writeTextFile(
        `${dir}/${kase.name}.truth.json`,
        JSON.stringify({ truth: kase.truth, meta: kase.meta }),
      );
    }
    console.log(
      kase.name,
      JSON.stringify(kase.truth),
      JSON.stringify(kase.options),
      JSON.stringify(kase.meta),
    );
  }
}
