/**
 * The two-sided tail of Student's t distribution, P(|T| ≥ t) with ν degrees of freedom.
 *
 * Why: the tests on a handful of points (per-epoch ratios, five evaluations) need the t
 * distribution, not the normal, and simple-statistics has the t statistic but not its
 * distribution. For whole ν the closed forms of Abramowitz & Stegun 26.7.3 (ν odd) and 26.7.4
 * (ν even) are exact: with θ = atan(t/√ν), A(t|ν) = P(|T| < t) is a finite series in cos²θ.
 *
 * Cost: O(ν). Throws RangeError for ν not a positive integer.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertThrows } from "@std/assert";
 * import { studentTwoSidedTail } from "./student_t.ts";
 * // R: 2 * pt(-2.262, 9) = 0.0500128455
 * assertAlmostEquals(studentTwoSidedTail(2.262, 9), 0.0500128455, 1e-10);
 * assertAlmostEquals(studentTwoSidedTail(1, 1), 0.5, 1e-15); // Cauchy: P(|T| ≥ 1) = 1/2
 * assertThrows(() => studentTwoSidedTail(1, 2.5), RangeError);
 * ```
 */
export function studentTwoSidedTail(t: number, nu: number): number {
  if (!Number.isInteger(nu) || nu < 1) {
    throw new RangeError(`degrees of freedom must be a positive integer, found ${nu}`);
  }
  if (Number.isNaN(t)) return NaN;
  const x = Math.abs(t);
  if (x === Infinity) return 0;
  const theta = Math.atan(x / Math.sqrt(nu));
  const c2 = Math.cos(theta) ** 2, s = Math.sin(theta);
  let inside: number;
  if (nu % 2 === 1) {
    let sum = 0, term = 1;
    for (let k = 3; k <= nu; k += 2) {
      // term: (2·4…(k−3)) / (1·3…(k−2)) · cos^(k−2)θ, times cosθ below
      sum += term;
      term *= ((k - 1) / k) * c2;
    }
    inside = (2 / Math.PI) * (theta + (nu > 1 ? s * Math.cos(theta) * sum : 0));
  } else {
    let sum = 0, term = 1;
    for (let k = 2; k <= nu; k += 2) {
      sum += term;
      term *= ((k - 1) / k) * c2;
    }
    inside = s * sum;
  }
  return Math.min(1, Math.max(0, 1 - inside));
}
