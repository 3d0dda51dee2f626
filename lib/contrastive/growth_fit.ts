import { linearRegression, linearRegressionLine, rSquared } from "simple-statistics";

/** One fitted model. */
export interface GrowthModel {
  /** Which fit: every point, the last third, or a quadratic in the step. */
  model: "log-linear" | "log-linear-recent" | "log-quadratic";
  /** d ln y / d step at the last point: the growth rate there (e^rate per step). */
  rate: number;
  /** Coefficient of determination of the fit of ln y. */
  r2: number;
  /** The step at which the fitted curve reaches the limit; null if it never does. */
  crossing: number | null;
}

function linear(
  t: number[],
  ly: number[],
  logLimit: number,
  name: GrowthModel["model"],
): GrowthModel {
  const pairs = t.map((x, i) => [x, ly[i]]);
  const { m, b } = linearRegression(pairs);
  const r2 = rSquared(pairs, linearRegressionLine({ m, b }));
  const last = t[t.length - 1];
  const crossing = m > 0 ? Math.max((logLimit - b) / m, last) : null;
  return { model: name, rate: m, r2: Number.isFinite(r2) ? r2 : 0, crossing };
}

/** Least-squares ln y = c0 + c1·u + c2·u² with u = t − mean(t); null if singular. */
function quadratic(t: number[], ly: number[], logLimit: number): GrowthModel | null {
  const mean = t.reduce((s, x) => s + x, 0) / t.length;
  const s = [0, 0, 0, 0, 0];
  const r = [0, 0, 0];
  for (let i = 0; i < t.length; i++) {
    const u = t[i] - mean;
    let p = 1;
    for (let k = 0; k < 5; k++) {
      s[k] += p;
      if (k < 3) r[k] += p * ly[i];
      p *= u;
    }
  }
  const m = [[s[0], s[1], s[2]], [s[1], s[2], s[3]], [s[2], s[3], s[4]]];
  const det = (a: number[][]) =>
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
    a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
    a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det(m);
  if (!(Math.abs(d) > 1e-12 * Math.abs(s[0] * s[2] * s[4]))) return null;
  const c = [0, 1, 2].map((col) =>
    det(m.map((row, i) => row.map((v, j) => j === col ? r[i] : v))) / d
  );
  const fitted = (u: number) => c[0] + c[1] * u + c[2] * u * u;
  const avg = ly.reduce((a, b) => a + b, 0) / ly.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < t.length; i++) {
    ssRes += (ly[i] - fitted(t[i] - mean)) ** 2;
    ssTot += (ly[i] - avg) ** 2;
  }
  const uLast = t[t.length - 1] - mean;
  const rate = c[1] + 2 * c[2] * uLast;
  let crossing: number | null = null;
  if (fitted(uLast) >= logLimit) crossing = t[t.length - 1];
  else if (c[2] === 0) crossing = c[1] > 0 ? mean + (logLimit - c[0]) / c[1] : null;
  else {
    // c2·u² + c1·u + (c0 − ln limit) = 0, by the cancellation-free form (Press et al.,
    // Numerical Recipes §5.6), which stays accurate when c2 is tiny (near-exponential data).
    const c0 = c[0] - logLimit;
    const disc = c[1] * c[1] - 4 * c[2] * c0;
    if (disc >= 0) {
      const half = -0.5 * (c[1] + (c[1] >= 0 ? 1 : -1) * Math.sqrt(disc));
      const roots = [half / c[2], half !== 0 ? c0 / half : NaN]
        .filter((u) => u > uLast).sort((a, b) => a - b);
      if (roots.length > 0) crossing = mean + roots[0];
    }
  }
  return { model: "log-quadratic", rate, r2: ssTot > 0 ? 1 - ssRes / ssTot : 0, crossing };
}

/**
 * Fits the growth of a positive series (a norm, a norm product, the largest logit) to (steps,
 * values) and says at which step each model reaches `limit`.
 *
 * Three models of ln y against the step t, by least squares:
 * - `log-linear`: ln y = a + b·t on every point (steady exponential growth by e^b per step);
 * - `log-linear-recent`: the same on the last third of the points (at least 3), which follows a
 *   recent change of pace;
 * - `log-quadratic`: ln y = a + b·t + c·t² (at least 5 points), whose c > 0 means the growth
 *   rate itself grows, as it does when un-normalised embeddings run away (the fixture's norm
 *   product grew by 1.1× per step early and 3.7× per step at the end).
 * A model's crossing is the first step after the last point at which its fitted curve reaches the
 * limit; null when it never does (flat, shrinking, or a downward-curving quadratic). Linear fits
 * come from simple-statistics; the quadratic solves its 3×3 normal equations on centred steps.
 * O(n).
 *
 * @throws {RangeError} with fewer than 3 points, or a non-positive or non-finite value or limit.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { fitGrowth } from "./growth_fit.ts";
 * // doubling every 10 steps from 1: reaches 1024 at step 100
 * const models = fitGrowth([0, 10, 20, 30, 40, 50], [1, 2, 4, 8, 16, 32], 1024);
 * assertEquals(models.map((m) => m.model), ["log-linear", "log-linear-recent", "log-quadratic"]);
 * for (const m of models) assertAlmostEquals(m.crossing!, 100, 1e-9);
 * assertAlmostEquals(models[0].rate, Math.LN2 / 10, 1e-12);
 * ```
 */
export function fitGrowth(
  steps: readonly number[],
  values: readonly number[],
  limit: number,
): GrowthModel[] {
  if (steps.length !== values.length || steps.length < 3) {
    throw new RangeError(
      `fitting growth needs at least 3 (step, value) pairs, found ${steps.length}`,
    );
  }
  if (!(limit > 0 && limit < Infinity)) {
    throw new RangeError(`limit must be positive, found ${limit}`);
  }
  if (values.some((v) => !(v > 0 && v < Infinity))) {
    throw new RangeError("fitting growth needs positive finite values");
  }
  const t = [...steps];
  const ly = values.map(Math.log);
  const logLimit = Math.log(limit);
  const models = [linear(t, ly, logLimit, "log-linear")];
  const recent = Math.max(3, Math.ceil(t.length / 3));
  if (recent < t.length) {
    models.push(linear(t.slice(-recent), ly.slice(-recent), logLimit, "log-linear-recent"));
  }
  if (t.length >= 5) {
    const q = quadratic(t, ly, logLimit);
    if (q) models.push(q);
  }
  return models;
}
