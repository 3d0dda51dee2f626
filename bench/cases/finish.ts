/**
 * The last touches every case gets, whatever its cause: the request's `steps` (a run resumed at
 * some step, sometimes with logged points missing), non-finite points, the noise parameters, and
 * the case's name. Kept apart from the causes so every kind shares the same realism.
 */
import { drawNoise, type NoiseSpec } from "./noise.ts";
import type { Random } from "./random.ts";
import type { Case, CaseOptions, Truth } from "./types.ts";

/** Noise settings drawn for one case. */
export interface NoiseDraw {
  noise: NoiseSpec;
  sigma: number;
  outlierRate: number;
}

/** Draws per-step noise: σ from 1 % to 15 % of the level (heavy tails: at most 6 %). */
export function drawNoiseSettings(random: Random, outliers = true): NoiseDraw {
  const noise = drawNoise(random);
  let sigma = random.logUniform(0.01, 0.15);
  if (Number.isFinite(noise.dof)) sigma = Math.min(sigma, 0.06);
  const outlierRate = outliers && random.chance(0.3) ? random.logUniform(1e-4, 2e-3) : 0;
  return { noise, sigma, outlierRate };
}

/** The finding ids that name a periodic cause: wrong on a curve without a period. */
export const PERIODIC_FINDINGS = [
  "periodic-spikes",
  "last-batch-spike",
  "last-batch-dip",
  "epoch-start-spike",
  "epoch-average-logging",
  "unshuffled-data",
];

/** How non-finite points enter a case. */
export type NonFinite =
  | { mode: "none" }
  /** A fraction of points become NaN (every fifth +Infinity). */
  | { mode: "sporadic"; fraction: number }
  /** From point `from` on, every point is NaN (the run diverged). */
  | { mode: "tail"; from: number };

/** What a kind hands over to be finished. */
export interface Draft {
  kind: string;
  index: number;
  points: Float64Array;
  logEvery: number;
  options: CaseOptions;
  truth: Truth;
  meta: Record<string, number | string | boolean>;
  nonFinite?: NonFinite;
  /** Chance the case carries `steps` (a resumed run: the first points are cut). */
  pSteps?: number;
  /** Chance, given steps, that some logged points are missing. */
  pGaps?: number;
}

function cutGaps(random: Random, keep: Uint8Array): number {
  const count = random.integer(1, 3);
  let removed = 0;
  for (let g = 0; g < count; g++) {
    const length = Math.max(1, Math.round(keep.length * random.uniform(0.01, 0.05)));
    const start = random.integer(Math.floor(keep.length * 0.05), keep.length - length - 1);
    for (let i = start; i < start + length; i++) {
      if (keep[i]) removed++;
      keep[i] = 0;
    }
  }
  return removed;
}

/** Applies steps, gaps and non-finite points, and names the case. */
export function finish(random: Random, draft: Draft): Case {
  const k = draft.logEvery;
  let points = draft.points;
  const meta: Record<string, number | string | boolean> = { ...draft.meta, log_every: k };
  let steps: number[] | undefined;
  /** Index in `draft.points` of each kept point. */
  let origin: number[] | undefined;
  if (random.chance(draft.pSteps ?? 0.3)) {
    const skip = random.chance(0.5) ? 0 : random.integer(1, Math.floor(points.length * 0.15));
    const keep = new Uint8Array(points.length - skip).fill(1);
    if (random.chance(draft.pGaps ?? 0.15)) meta.gaps = cutGaps(random, keep);
    const kept: number[] = [];
    steps = [];
    origin = [];
    for (let i = 0; i < keep.length; i++) {
      if (!keep[i]) continue;
      kept.push(points[skip + i]);
      origin.push(skip + i);
      steps.push((skip + i + 1) * k - 1);
    }
    points = Float64Array.from(kept);
    meta.first_step = steps[0];
  }
  const loss = Array.from(points);
  const nf = draft.nonFinite ?? { mode: "none" };
  const truth = { ...draft.truth, expected_findings: [...draft.truth.expected_findings] };
  if (nf.mode === "sporadic") {
    const count = Math.max(1, Math.round(loss.length * nf.fraction));
    for (let c = 0; c < count; c++) {
      loss[random.integer(0, loss.length - 1)] = c % 5 === 4 ? Infinity : NaN;
    }
    meta.non_finite = count;
  } else if (nf.mode === "tail") {
    let from = nf.from;
    if (origin) from = Math.max(0, origin.findIndex((o) => o >= nf.from));
    from = Math.min(loss.length - 1, from);
    let i = from;
    if (random.chance(0.3)) loss[i++] = Infinity;
    for (; i < loss.length; i++) loss[i] = NaN;
    meta.non_finite_from = from;
  }
  if (nf.mode !== "none" && !truth.expected_findings.includes("non-finite-loss")) {
    truth.expected_findings.push("non-finite-loss");
  }
  const period = truth.period === null ? "none" : `P${truth.period}`;
  const name = `${draft.kind}-${
    String(draft.index).padStart(3, "0")
  }-n${loss.length}-k${k}-${period}`;
  const kase: Case = { name, kind: draft.kind, loss, options: { ...draft.options }, truth, meta };
  if (k !== 1) kase.options.log_every = k;
  if (steps) kase.steps = steps;
  return kase;
}
