/**
 * Calibrates `MAX_ANALYSIS_WORK`: `deno task work-budget [--max-n N] [--seed S] [--reps R]`.
 *
 * Why: the period search is bounded by counted work, not by the clock (issue 12), so the
 * limit must be chosen from measurements: high enough that real curves never meet it, low
 * enough that the slowest series the limit admits is answered within the 2 s target on one
 * core. This prints three things, run on one core (`taskset -c 0`):
 *
 * 1. What a unit costs. `WORK_UNITS.eventFold` says one event folded by a spike fold costs as
 *    much as that many points of a shape fold: measured here as the time per event of
 *    `foldEvents` over the time per point of `foldShape`, on random events and points.
 * 2. The work real curves need: every generated evaluation case (`bench/cases`, the eight
 *    10⁶-point ones included), its units and its analysis time.
 * 3. The work hostile series need: the bodies `bench/worst_case.ts` sends and others built to
 *    make the search fold much (dense spikes, several periods, spikes at random, shapes), at
 *    MAX_SERIES_POINTS points: units, the period search's time (first to last checkpoint),
 *    and nanoseconds per unit. The limit is then the search's share of the 2 s target over the
 *    worst nanoseconds per unit seen.
 */
import { foldEvents } from "../lib/period/event_fold.ts";
import { WORK_UNITS } from "../lib/period/find_period.ts";
import { foldShape } from "../lib/period/shape_fold.ts";
import { analyzeSpikes, type SpikeOptions } from "../lib/spikes/mod.ts";
import { generateCases } from "./cases/generate.ts";
import { configFromEnv } from "../routes/config.ts";

const config = configFromEnv((name) => Deno.env.get(name));
const flag = (name: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const maxN = Number(flag("max-n") ?? Infinity);
const reps = Number(flag("reps") ?? 3);

let seed = Number(flag("seed") ?? 1);
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

/** Units and times of one analysis: total, and the period search (first to last checkpoint). */
function measure(loss: Float64Array, options: SpikeOptions = {}) {
  let units = 0, first = 0, last = 0;
  const start = performance.now();
  analyzeSpikes(loss, {
    ...options,
    checkpoint: (u) => {
      const now = performance.now();
      if (units === 0) first = now;
      last = now;
      units += u;
    },
  });
  const end = performance.now();
  return { units, ms: end - start, searchMs: units > 0 ? end - first : 0, lastMs: last - start };
}

function unitCosts(): void {
  const n = 1_000_000;
  for (const events of [5_000, 20_000, 40_000]) {
    const positions = Float64Array.from(
      new Set(Array.from({ length: events }, () => Math.floor(random() * n))),
    ).sort();
    const sizes = Float64Array.from(positions, () => 3.5 + 5 * random());
    const periods = [97, 157, 333.3, 1390, 5000, 12345, 62500];
    const m = 32_768;
    const shape = Float64Array.from({ length: m }, random);
    const finite = new Uint8Array(m).fill(1);
    let eventNs = Infinity, pointNs = Infinity;
    const per = (t: number, count: number) => (performance.now() - t) * 1e6 / count;
    for (let r = 0; r < reps + 1; r++) {
      let t = performance.now();
      for (const p of periods) foldEvents(positions, n, p, 1.5, 60, sizes);
      eventNs = Math.min(eventNs, per(t, periods.length * positions.length));
      t = performance.now();
      for (const p of periods) foldShape(shape, finite, p / 31);
      pointNs = Math.min(pointNs, per(t, periods.length * m));
    }
    console.log(
      `  ${positions.length} events: ${eventNs.toFixed(0)} ns per event folded, ` +
        `${pointNs.toFixed(1)} per shape point: ratio ${(eventNs / pointNs).toFixed(0)} ` +
        `(WORK_UNITS.eventFold = ${WORK_UNITS.eventFold})`,
    );
  }
}

function realCurves(): void {
  const rows: { name: string; n: number; units: number; ms: number }[] = [];
  for (const kase of generateCases({ seed: 1, maxN })) {
    const options: SpikeOptions = {
      steps: kase.steps ? Float64Array.from(kase.steps) : undefined,
      logEvery: kase.options.log_every,
      stepsPerEpoch: kase.options.steps_per_epoch,
      datasetSize: kase.options.dataset_size,
      batchSize: kase.options.batch_size,
      dropLast: kase.options.drop_last,
    };
    const { units, ms } = measure(Float64Array.from(kase.loss), options);
    rows.push({ name: kase.name, n: kase.loss.length, units, ms });
  }
  rows.sort((a, b) => b.units - a.units);
  const big = rows.filter((r) => r.n >= 1_000_000);
  console.log(`  ${rows.length} cases; the most work:`);
  for (const r of rows.slice(0, 5)) {
    console.log(`    ${fmt(r.units)} units, ${r.ms.toFixed(0)} ms, n = ${r.n}: ${r.name}`);
  }
  if (big.length > 0) {
    console.log(`  the ${big.length} cases of 10⁶ points: at most ${fmt(big[0].units)} units`);
  }
  const max = rows[0]?.units ?? 0;
  console.log(
    `  the most any real curve needs: ${fmt(max)} = ${
      (100 * max / config.maxAnalysisWork).toFixed(1)
    } % of MAX_ANALYSIS_WORK (${fmt(config.maxAnalysisWork)})`,
  );
}

/** Hostile series of `n` points, each built to make the period search fold much. */
function hostile(n: number): [string, () => Float64Array][] {
  const series = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return [
    ["spikes both ways on 20 % of the points", () =>
      series(() => {
        const r = random();
        return r < 0.1 ? 100 : r < 0.2 ? 0.01 : 1 + random() * 0.01;
      })],
    [
      "spikes at random on 4 % of the points",
      () => series(() => (random() < 0.04 ? 10 + 10 * random() : 1 + 0.01 * random())),
    ],
    ["uniform noise", () => series(random)],
    [
      "a spike every 157 points and a dip every 1390 (typical, for scale)",
      () =>
        series((i) =>
          2 * Math.exp(-i / 2e5) + 0.1 * random() + (i % 157 === 156 ? 3 : 0) -
          (i % 1390 === 0 ? 0.5 : 0)
        ),
    ],
    [
      "spikes every 3, 7, 11 and 13 points",
      () =>
        series((i) =>
          1 + 0.01 * random() + [3, 7, 11, 13].reduce((s, p) => s + (i % p === 0 ? 5 : 0), 0)
        ),
    ],
    [
      "a sine of 97 points and one of 1000, no spikes",
      () =>
        series((i) =>
          2 + 0.3 * Math.sin(i / 97 * 2 * Math.PI) + 0.3 * Math.sin(i / 1000 * 2 * Math.PI) +
          0.05 * random()
        ),
    ],
    ["a running mean restarting every 157 points", () => {
      let sum = 0;
      return series((i) => {
        if (i % 157 === 0) sum = 0;
        sum += 2 + random();
        return sum / (i % 157 + 1);
      });
    }],
    [
      "NaN every other point, spikes at random",
      () => series((i) => (i % 2 ? NaN : random() < 0.05 ? 50 : 1 + 0.01 * random())),
    ],
  ];
}

function hostileSeries(): void {
  const n = config.maxSeriesPoints;
  let worst = 0;
  for (const [name, make] of hostile(n)) {
    const loss = make();
    let best = { units: 0, ms: Infinity, searchMs: Infinity, lastMs: 0 };
    for (let r = 0; r < reps; r++) {
      const m = measure(loss, { stepsPerEpoch: 157 });
      if (m.ms < best.ms) best = m;
    }
    const ns = best.units > 0 ? best.searchMs * 1e6 / best.units : 0;
    worst = Math.max(worst, ns);
    console.log(
      `  ${fmt(best.units).padStart(8)} units  ${best.ms.toFixed(0).padStart(5)} ms ` +
        `(search ${best.searchMs.toFixed(0).padStart(5)} ms, ${ns.toFixed(1)} ns/unit)  ${name}`,
    );
  }
  console.log(`  worst: ${worst.toFixed(1)} ns per unit of the period search`);
}

function fmt(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(0)}k` : `${x}`;
}

console.log(
  `MAX_ANALYSIS_WORK = ${config.maxAnalysisWork}, MAX_SERIES_POINTS = ${config.maxSeriesPoints}`,
);
console.log("1. what a unit costs");
unitCosts();
console.log("2. the work of real curves (bench/cases)");
realCurves();
console.log(`3. the work of hostile series of ${config.maxSeriesPoints} points (best of ${reps})`);
hostileSeries();
