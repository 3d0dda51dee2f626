/**
 * Curves without a period: the negative controls a period finder must not fire on, and the
 * non-periodic troubles the service must still name.
 *
 * - clean decays (power, exponential, warm-up, flat), with any noise;
 * - learning-rate step drops (a few sudden level changes, not a period);
 * - controls that carry epoch information but no epoch effect (`drop_last=True`, a dataset that
 *   divides into whole batches, or a correctly normalised loss);
 * - one to three isolated spikes (a learning-rate spike: peak, then recovery over tens of steps,
 *   as in the `lr_spike_single` fixture: ×14 peak, back within 10 % after 68 steps);
 * - random heavy-tailed spikes at Poisson times;
 * - rising loss (divergence, a slow climb from a learning rate that is too high);
 * - a loss that goes NaN/Inf (from some step on, sporadically, or once).
 */
import { drawNoiseSettings, finish, type NonFinite, PERIODIC_FINDINGS } from "./finish.ts";
import { drawBatches, drawPlainLayout, epochOptions, type Layout } from "./layout.ts";
import type { Random } from "./random.ts";
import { render, type Visibility } from "./render.ts";
import { makeTrend, type TrendShape } from "./trend.ts";
import type { Case, CaseOptions } from "./types.ts";

/** Values a builder would otherwise draw (for the hand-made large cases). */
export interface PlainForce {
  n?: number;
  logEvery?: number;
  trend?: TrendShape;
  special?: string;
}

interface PlainBuilt {
  layout: Layout;
  level: Float64Array;
  trend: string;
  cause?: Float64Array;
  visibility: Visibility;
  expected: string[];
  forbidden: string[];
  options?: CaseOptions;
  nonFinite?: NonFinite;
  meta: Record<string, number | string | boolean>;
  gaussianOnly?: boolean;
  outliers?: boolean;
}

function layoutOf(random: Random, force: PlainForce): Layout {
  if (force.n) {
    const logEvery = force.logEvery ?? 1;
    return { logEvery, period: 0, n: force.n, steps: force.n * logEvery };
  }
  return drawPlainLayout(random);
}

function completePlain(
  random: Random,
  kind: string,
  index: number,
  b: PlainBuilt,
  special?: string,
) {
  const settings = drawNoiseSettings(random, b.outliers ?? true);
  if (b.gaussianOnly) settings.noise.dof = Infinity;
  const rendered = render(random, {
    level: b.level,
    cause: b.cause,
    ...settings,
    logEvery: b.layout.logEvery,
    visibility: b.visibility,
  });
  const gaussianClean = !Number.isFinite(settings.noise.dof) && settings.outlierRate === 0;
  const forbidden = [...b.forbidden];
  // Only a Gaussian curve without outliers has nothing a careful reader would call a spike.
  if (gaussianClean && b.forbidden.includes("isolated-spikes?")) forbidden.push("isolated-spikes");
  const meta: Record<string, number | string | boolean> = {
    ...b.meta,
    trend: b.trend,
    sigma: +rendered.sigma.toPrecision(3),
    phi: +settings.noise.phi.toFixed(2),
    dof: Number.isFinite(settings.noise.dof) ? +settings.noise.dof.toFixed(2) : "gaussian",
    outlier_rate: +settings.outlierRate.toPrecision(2),
  };
  if (Number.isFinite(rendered.snr)) meta.snr = +rendered.snr.toPrecision(3);
  if (special) meta.special = special;
  return finish(random, {
    kind,
    index,
    points: rendered.points,
    logEvery: b.layout.logEvery,
    options: b.options ?? {},
    truth: {
      period: null,
      expected_findings: b.expected,
      forbidden_findings: forbidden.filter((id) => !id.endsWith("?")),
    },
    meta,
    nonFinite: b.nonFinite,
  });
}

const NOT_PERIODIC = [...PERIODIC_FINDINGS];

/** A clean decay, sometimes with epoch information that must not invent an epoch effect. */
export function clean(random: Random, index: number, force: PlainForce = {}): Case {
  const layout = layoutOf(random, force);
  const trend = makeTrend(
    random,
    layout.steps,
    force.trend ?? random.pick(["power", "exp", "warmup", "flat"]),
  );
  let options: CaseOptions | undefined;
  if (random.chance(0.3)) {
    const epoch = Math.round(random.logUniform(20, Math.max(21, layout.steps / 5)));
    options = epochOptions(
      random.pick(["steps_per_epoch", "dataset"]),
      epoch,
      drawBatches(random, random.uniform(1.1, 8)),
    );
  }
  return completePlain(random, "clean", index, {
    layout,
    level: trend.level,
    trend: trend.shape,
    visibility: { mode: "none" },
    expected: [],
    forbidden: [...NOT_PERIODIC, "rising-loss", "non-finite-loss", "isolated-spikes?"],
    options,
    meta: {},
  }, force.special);
}

/** A learning-rate schedule with one to three step drops. */
export function lrDrops(random: Random, index: number, force: PlainForce = {}): Case {
  const layout = layoutOf(random, force);
  const trend = makeTrend(random, layout.steps, "lr-drops");
  return completePlain(random, "lr-drops", index, {
    layout,
    level: trend.level,
    trend: trend.shape,
    visibility: { mode: "none" },
    expected: [],
    forbidden: [...NOT_PERIODIC, "rising-loss", "non-finite-loss"],
    meta: { drops: trend.drops.join(" ") },
  }, force.special);
}

/** Epoch information without an epoch effect: `drop_last`, whole batches, or a sound loss. */
export function dropLastControl(random: Random, index: number, force: PlainForce = {}): Case {
  const layout = layoutOf(random, force);
  const trend = makeTrend(random, layout.steps, random.pick(["power", "exp", "warmup"]));
  const epoch = Math.round(random.logUniform(20, Math.max(21, Math.min(5000, layout.steps / 5))));
  const batches = drawBatches(random, random.uniform(1.1, 8));
  const variant = random.pick(["drop_last", "whole-batches", "steps_per_epoch", "sound-loss"]);
  let options: CaseOptions;
  if (variant === "drop_last") options = epochOptions("dataset", epoch, batches, true);
  else if (variant === "whole-batches") {
    options = { dataset_size: epoch * batches.batchSize, batch_size: batches.batchSize };
  } else if (variant === "steps_per_epoch") options = { steps_per_epoch: epoch };
  else options = epochOptions("dataset", epoch, batches);
  return completePlain(random, "drop-last-control", index, {
    layout,
    level: trend.level,
    trend: trend.shape,
    visibility: { mode: "none" },
    expected: [],
    forbidden: [...NOT_PERIODIC, "rising-loss", "non-finite-loss"],
    options,
    meta: { variant, epoch },
    outliers: false,
  }, force.special);
}

/** Start steps of `count` events in [20 % of the run, `end`], spaced unevenly (no period). */
function unevenSteps(random: Random, steps: number, count: number, end: number): number[] {
  for (;;) {
    const at = Array.from(
      { length: count },
      () => random.integer(Math.floor(steps * 0.2), Math.floor(end)),
    )
      .sort((a, b) => a - b);
    const gaps = at.slice(1).map((v, i) => v - at[i]);
    if (gaps.some((g) => g < steps / 10)) continue;
    if (gaps.length === 2 && Math.abs(gaps[0] - gaps[1]) < 0.3 * Math.max(...gaps)) continue;
    return at;
  }
}

/** One to three learning-rate spikes: a jump, then a recovery over tens of steps. */
export function isolatedSpikes(random: Random, index: number, force: PlainForce = {}): Case {
  const layout = layoutOf(random, force);
  const trend = makeTrend(random, layout.steps, force.trend);
  const count = random.integer(1, 3);
  const peak = random.logUniform(2, 20);
  const tau = Math.min(
    layout.steps / 20,
    random.logUniform(2, 40) * Math.max(1, Math.sqrt(layout.logEvery)),
  );
  // Each spike recovers (to e^-6 of its height) before the run ends: not a rising loss.
  const events = unevenSteps(
    random,
    layout.steps,
    count,
    Math.min(0.95 * layout.steps, layout.steps - 6 * tau),
  );
  const cause = new Float64Array(layout.steps).fill(1);
  for (const s of events) {
    for (let j = 0; j < 6 * tau && s + j < layout.steps; j++) {
      cause[s + j] *= 1 + (peak - 1) * Math.exp(-j / tau);
    }
  }
  return completePlain(random, "isolated-spikes", index, {
    layout,
    level: trend.level,
    trend: trend.shape,
    cause,
    visibility: { mode: "peak", events, snr: random.logUniform(5, 20) },
    expected: ["isolated-spikes"],
    forbidden: [...NOT_PERIODIC, "rising-loss", "non-finite-loss"],
    meta: { spikes: events.join(" "), peak: +peak.toFixed(2), tau: +tau.toFixed(1) },
  }, force.special);
}

/** Spikes at Poisson times with heavy-tailed heights (bad batches, data glitches). */
export function randomSpikes(random: Random, index: number, force: PlainForce = {}): Case {
  const layout = layoutOf(random, force);
  const trend = makeTrend(random, layout.steps, force.trend);
  const count = Math.min(random.integer(5, 40), Math.max(5, Math.floor(layout.n / 100)));
  const cause = new Float64Array(layout.steps).fill(1);
  const events: number[] = [];
  for (let c = 0; c < count; c++) {
    const s = random.integer(0, layout.steps - 1);
    const height = Math.min(50, 0.3 * Math.pow(1 - random.next(), -1 / 1.2));
    const tau = random.logUniform(0.3, 5) * Math.max(1, Math.sqrt(layout.logEvery));
    for (let j = 0; j < 6 * tau + 1 && s + j < layout.steps; j++) {
      cause[s + j] *= 1 + height * Math.exp(-j / tau);
    }
    events.push(s);
  }
  events.sort((a, b) => a - b);
  return completePlain(random, "random-spikes", index, {
    layout,
    level: trend.level,
    trend: trend.shape,
    cause,
    visibility: { mode: "peak", events, snr: random.logUniform(4, 12) },
    expected: ["isolated-spikes"],
    forbidden: [...NOT_PERIODIC, "rising-loss", "non-finite-loss"],
    meta: { spikes: count },
  }, force.special);
}

/** A loss that climbs: divergence after a good start, or a learning rate too high throughout. */
export function risingLoss(random: Random, index: number, force: PlainForce = {}): Case {
  const layout = layoutOf(random, force);
  const trend = makeTrend(random, layout.steps, random.pick(["power", "exp", "flat"]));
  const variant = random.pick(["exponential", "linear", "whole-run"]);
  const start = variant === "whole-run"
    ? Math.floor(layout.steps * random.uniform(0.02, 0.1))
    : Math.floor(layout.steps * random.uniform(0.3, 0.7));
  const factor = random.logUniform(1.5, 10);
  const level = trend.level;
  const base = level[start];
  for (let t = start; t < layout.steps; t++) {
    const x = (t - start) / (layout.steps - 1 - start);
    const growth = variant === "exponential" ? Math.pow(factor, x) : 1 + (factor - 1) * x;
    level[t] = base * growth;
  }
  return completePlain(random, "rising-loss", index, {
    layout,
    level,
    trend: trend.shape,
    visibility: { mode: "none" },
    expected: ["rising-loss"],
    forbidden: [...NOT_PERIODIC, "non-finite-loss"],
    meta: { variant, start, factor: +factor.toFixed(2) },
  }, force.special);
}

/** A loss that becomes NaN/Inf: from some step on (with or without a blow-up), or now and then. */
export function nonFinite(random: Random, index: number, force: PlainForce = {}): Case {
  const layout = layoutOf(random, force);
  const trend = makeTrend(random, layout.steps, random.pick(["power", "exp", "warmup"]));
  const variant = random.pick(["sudden", "blow-up", "sporadic", "single"]);
  let nf: NonFinite;
  const level = trend.level;
  if (variant === "sudden" || variant === "blow-up") {
    const from = Math.floor(layout.n * random.uniform(0.4, 0.95));
    if (variant === "blow-up") {
      const width = Math.max(3, Math.floor(layout.n * random.uniform(0.005, 0.03))) *
        layout.logEvery;
      const end = from * layout.logEvery;
      const growth = random.logUniform(10, 1e4);
      for (let t = Math.max(0, end - width); t < layout.steps; t++) {
        level[t] *= Math.pow(growth, Math.min(1, (t - (end - width)) / width));
      }
    }
    nf = { mode: "tail", from };
  } else if (variant === "sporadic") {
    nf = { mode: "sporadic", fraction: random.logUniform(1e-3, 2e-2) };
  } else {
    nf = { mode: "sporadic", fraction: 0 };
  }
  return completePlain(random, "non-finite", index, {
    layout,
    level,
    trend: trend.shape,
    visibility: { mode: "none" },
    expected: ["non-finite-loss"],
    forbidden: [...NOT_PERIODIC],
    nonFinite: nf,
    meta: { variant },
  }, force.special);
}
