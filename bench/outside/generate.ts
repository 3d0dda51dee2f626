/**
 * The outside generator: synthetic loss curves of the kinds issue 11 names, each with a known
 * truth (period in steps, expected and forbidden finding ids), written without reading
 * `bench/cases/` so that it can catch what a generator written by the analysis' own hands misses.
 * Seeded: `generateOutsideCases(seed, perKind)` returns the same cases in every runtime.
 *
 * @example
 * ```ts
 * import { generateOutsideCases } from "./generate.ts";
 * const cases = generateOutsideCases(11, 2);
 * if (cases.length !== 2 * 11) throw new Error("two cases per kind");
 * ```
 */
import { Random } from "./random.ts";
import { type Curve, healthyCurve, logEvery, loggedNoise, type Logging } from "./curve.ts";
import * as P from "./patterns.ts";

/** What the answer must say about an outside case (same shape as a real log's label). */
export interface OutsideTruth {
  expected: string[];
  forbidden: string[];
  no_warning: boolean;
  /** Steps; null: no period may be reported; "any": not judged. */
  period: number | null | "any";
}

/** One generated case: the request body a user would send and the truth it is judged on. */
export interface OutsideCase {
  id: string;
  kind: string;
  body: {
    loss: (number | string)[];
    steps: number[];
    steps_per_epoch?: number;
    log_every?: number;
  };
  truth: OutsideTruth;
  /** Steps between logged points, for the period tolerance. */
  logInterval: number;
}

/** Draw ranges of the generator, each with the reason for its bounds. */
export const DRAW = {
  /** Logged points: 200 (a short fine-tune) to 20 000; one case in 12 goes up to 200 000. */
  points: [200, 20_000],
  longPoints: [20_000, 200_000],
  longShare: 1 / 12,
  /** Epochs for the epoch kinds: 4 to 40 cycles, the range the issue names. */
  epochs: [4, 40],
  /** Steps between logged points: every step, or every 5/10/20/50 steps as trainers default to. */
  intervals: [1, 1, 5, 10, 20, 50],
  /** Share of epoch cases whose body gives steps_per_epoch (users often do not know it). */
  epochGiven: 0.7,
  /** An effect is drawn at least this many logged-noise standard deviations tall. */
  visible: 4,
} as const;

type Ctx = {
  kind: string;
  rng: Random;
  steps: number;
  k: number;
  mode: Logging;
  curve: Curve;
  period: number;
};
type Made = { truth: OutsideTruth; logged?: Float64Array; epochal: boolean };
const SPIKE_KINDS = ["isolated-spikes", "periodic-spikes"];
/** Kinds logged at every step: a one-step event must be logged to be seen (the seed report). */
const PER_STEP = ["last-batch-spike", "last-batch-dip"];
/**
 * Kinds whose finding names the epoch's first or last step: without the epoch length a spike
 * train at that period is only periodic, so these bodies always say steps_per_epoch.
 */
const EPOCH_NAMED = ["last-batch-spike", "last-batch-dip", "epoch-start-spike"];

/** An effect size in log units: drawn in [lo, hi] but never below DRAW.visible logged sigmas. */
function effect(c: Ctx, lo: number, hi: number): number {
  return Math.max(c.rng.between(lo, hi), DRAW.visible * loggedNoise(c.curve, c.k, c.mode));
}

const truth = (expected: string[], forbidden: string[], period: OutsideTruth["period"]) => ({
  expected,
  forbidden,
  no_warning: false,
  period,
});

/** One builder per kind: writes the phenomenon onto the curve and states the truth. */
const KINDS: Record<string, (c: Ctx) => Made> = {
  "unshuffled-data": (c) => {
    P.unshuffled(c.rng, c.curve.loss, c.period, effect(c, 0.03, 0.25));
    return {
      truth: truth(["unshuffled-data"], ["divergence", ...SPIKE_KINDS], c.period),
      epochal: true,
    };
  },
  "epoch-start-spike": (c) => {
    P.epochStartSpike(
      c.curve.loss,
      c.period,
      Math.exp(effect(c, 0.4, 1.5)),
      c.rng.between(1, 4) * c.k,
    );
    return {
      truth: truth(["epoch-start-spike"], ["isolated-spikes", "divergence"], c.period),
      epochal: true,
    };
  },
  "last-batch-spike": (c) => {
    P.lastBatch(c.curve.loss, c.period, Math.exp(effect(c, 0.4, 1.4)));
    return {
      truth: truth(["last-batch-spike"], ["isolated-spikes", "divergence"], c.period),
      epochal: true,
    };
  },
  "last-batch-dip": (c) => {
    P.lastBatch(c.curve.loss, c.period, c.rng.between(0.2, 0.6));
    return {
      truth: truth(["last-batch-dip"], ["isolated-spikes", "divergence"], c.period),
      epochal: true,
    };
  },
  "epoch-average-logging": (c) => ({
    logged: P.runningMean(c.curve.loss, c.period),
    truth: truth(["epoch-average-logging"], ["isolated-spikes", "divergence"], c.period),
    epochal: true,
  }),
  "epoch-start-drop": (c) => {
    P.epochStartDrop(c.curve.loss, c.period, Math.exp(-effect(c, 0.08, 0.5)));
    const no = ["isolated-spikes", "rising-loss", "divergence"];
    return { truth: truth(["epoch-start-drop"], no, c.period), epochal: true };
  },
  "periodic-spikes": (c) => {
    const q = c.k * c.rng.int(8, 60), phase = c.k * c.rng.int(0, q / c.k - 1);
    P.periodicSpikes(c.curve.loss, q, phase, Math.exp(effect(c, 0.7, 1.6)), c.k);
    return {
      truth: truth(["periodic-spikes"], ["divergence", "isolated-spikes"], q),
      epochal: false,
    };
  },
  "isolated-spikes": (c) => {
    P.isolatedSpikes(c.rng, c.curve.loss, c.rng.int(1, 4), c.k);
    return {
      truth: truth(["isolated-spikes"], ["periodic-spikes", "divergence"], null),
      epochal: false,
    };
  },
  divergence: (c) => {
    const start = Math.floor(c.rng.between(0.5, 0.85) * c.steps);
    P.divergence(c.curve.loss, start, c.rng.between(0.01, 0.05) * c.steps, c.rng.uniform() < 0.5);
    return { truth: truth(["divergence"], ["transient-instability"], null), epochal: false };
  },
  "transient-instability": (c) => {
    const start = Math.floor(c.rng.between(0.2, 0.7) * c.steps);
    P.transient(
      c.curve.loss,
      start,
      Math.ceil(c.rng.between(0.01, 0.08) * c.steps),
      c.rng.between(12, 200),
    );
    return { truth: truth(["transient-instability"], ["divergence"], null), epochal: false };
  },
  healthy: () => ({
    truth: { ...truth([], [...SPIKE_KINDS, "rising-loss", "divergence"], null), no_warning: true },
    epochal: false,
  }),
};

/** The kinds the generator makes, in a fixed order. */
export const OUTSIDE_KINDS: readonly string[] = Object.keys(KINDS);

/** Draws the size of a case: logged points, interval, logging mode, epoch length and steps. */
function draw(rng: Random, epochal: boolean, perStep: boolean) {
  const long = rng.uniform() < DRAW.longShare;
  const [lo, hi] = long ? DRAW.longPoints : DRAW.points;
  const n = Math.round(rng.logUniform(lo, hi));
  const k = perStep ? 1 : rng.pick(DRAW.intervals);
  const mode: Logging = rng.uniform() < 0.7 ? "mean" : "sample";
  if (!epochal) return { k, mode, period: 0, steps: n * k };
  const epochs = Math.round(rng.logUniform(DRAW.epochs[0], DRAW.epochs[1]));
  const perEpoch = Math.max(6, n / epochs);
  const period = Math.max(2, Math.round(perEpoch * k * rng.between(1, 1.1)));
  return { k, mode, period, steps: epochs * period };
}

/**
 * Turns a made case into its request body: logged values, their steps, the options given. Steps
 * are 0-based, as the service's default (`index × log_every`), Lightning and nanoGPT count them: a
 * point stands at the last step it covers, so the last step of epoch e is step (e + 1)·P − 1.
 */
function bodyOf(made: Made, c: Ctx): OutsideCase["body"] {
  const source = made.logged ?? c.curve.loss;
  const mode = made.logged ? "sample" : c.mode;
  const values = logEvery(source as Float64Array, c.k, mode);
  const body: OutsideCase["body"] = {
    loss: values.map((v) => (Number.isFinite(v) ? v : "NaN")),
    steps: values.map((_, i) => (i + 1) * c.k - 1),
  };
  const given = EPOCH_NAMED.includes(c.kind) || c.rng.uniform() < DRAW.epochGiven;
  if (made.epochal && given) body.steps_per_epoch = c.period;
  if (mode === "mean" && c.k > 1) body.log_every = c.k;
  return body;
}

/** Builds one case of `kind` from its own seed. */
export function makeCase(kind: string, seed: number): OutsideCase {
  const rng = new Random(seed);
  const epochal = ![
    "periodic-spikes",
    "isolated-spikes",
    "divergence",
    "transient-instability",
    "healthy",
  ]
    .includes(kind);
  const size = draw(rng, epochal, PER_STEP.includes(kind));
  const c: Ctx = { kind, rng, ...size, curve: healthyCurve(rng, size.steps) };
  const made = KINDS[kind](c);
  return {
    id: `${kind}-${seed}`,
    kind,
    body: bodyOf(made, c),
    truth: made.truth,
    logInterval: c.k,
  };
}

/** `perKind` cases of every kind, seeded from `seed`. */
export function generateOutsideCases(seed: number, perKind: number): OutsideCase[] {
  const out: OutsideCase[] = [];
  OUTSIDE_KINDS.forEach((kind, i) => {
    for (let j = 0; j < perKind; j++) out.push(makeCase(kind, seed * 1000 + i * 100 + j));
  });
  return out;
}
