/**
 * A small seeded random source for the benchmark cases: the same seed gives the same cases on
 * every machine and every run, so a score can be compared across commits.
 *
 * The generator is mulberry32 (Tommy Ettinger's 32-bit generator: one 32-bit state, period
 * 2^32, passes gjrand/PractRand to a few GB), seeded through splitmix32 so that nearby seeds
 * (1, 2, 3…) give unrelated streams. That is plenty for synthetic loss curves and needs no
 * dependency. Normal deviates by Box–Muller, gamma by Marsaglia–Tsang (2000), Student-t as a
 * normal over the root of a scaled gamma (a chi-square with ν degrees of freedom). All O(1).
 */

/** Mixes a 32-bit seed (splitmix32 finaliser) so that consecutive seeds start far apart. */
function mixSeed(seed: number): number {
  let z = (seed + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seeded stream of random numbers with the distributions the case generator needs. */
export class Random {
  #state: number;
  #spareNormal: number | undefined;

  /** @param seed any integer; the same seed gives the same stream. */
  constructor(seed: number) {
    this.#state = mixSeed(seed >>> 0);
  }

  /** A uniform deviate in [0, 1) with 32 random bits (mulberry32). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform deviate in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A deviate whose logarithm is uniform: scales (periods, sizes) spread over decades. */
  logUniform(low: number, high: number): number {
    return Math.exp(this.uniform(Math.log(low), Math.log(high)));
  }

  /** An integer uniform in [low, high] (both included). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** A standard normal deviate (Box–Muller; the second deviate of each pair is kept). */
  normal(): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return spare;
    }
    let u = this.next();
    while (u === 0) u = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * this.next();
    this.#spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** A gamma deviate of shape `shape` > 0 and scale 1 (Marsaglia & Tsang 2000). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.next() || 1e-300, 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** A Student-t deviate with `dof` degrees of freedom (heavy tails for dof ≤ 4). */
  studentT(dof: number): number {
    const chiSquare = 2 * this.gamma(dof / 2);
    return this.normal() / Math.sqrt(chiSquare / dof);
  }

  /** An exponential deviate of mean `mean`. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}
