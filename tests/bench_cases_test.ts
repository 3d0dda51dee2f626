/**
 * The benchmark's ground truth must be right, or every score built on it is noise. These tests
 * check the generated cases against facts computed here independently: epoch arithmetic of a
 * DataLoader (ceil(N/B) steps, last batch N − (E−1)·B), the logged points being means of the
 * simulated steps, determinism per seed, and the scoring rules on hand-made answers.
 */
import { assert, assertEquals } from "@std/assert";
import { buildCase, generateCases, planCases } from "../bench/cases/generate.ts";
import { blockMeans, robustScale } from "../bench/cases/noise.ts";
import { Random } from "../bench/cases/random.ts";
import { classifyPeriod, judge } from "../bench/score.ts";
import type { Case } from "../bench/cases/types.ts";

Deno.test("the same seed gives the same cases, another seed different ones", () => {
  const a = buildCase(1, "last-batch-spike", 3, {});
  const b = buildCase(1, "last-batch-spike", 3, {});
  const c = buildCase(2, "last-batch-spike", 3, {});
  assertEquals(a.loss, b.loss);
  assertEquals(a.truth, b.truth);
  assert(a.loss.length !== c.loss.length || a.loss[10] !== c.loss[10]);
});

Deno.test("choosing kinds does not change the other kinds' cases", () => {
  const alone = [...generateCases({ scale: 0.05, kinds: ["clean"], special: false })];
  const mixed = [...generateCases({ scale: 0.05, special: false })].filter((c) =>
    c.kind === "clean"
  );
  assertEquals(alone.map((c) => c.name), mixed.map((c) => c.name));
  assertEquals(alone[0].loss, mixed[0].loss);
});

Deno.test("dataset_size and batch_size of last-batch cases give the true epoch and ratio", () => {
  let checked = 0;
  for (const kind of ["last-batch-spike", "last-batch-dip"]) {
    for (let i = 0; i < 40 && checked < 12; i++) {
      const k = buildCase(1, kind, i, {});
      const { dataset_size: n, batch_size: b } = k.options;
      if (n === undefined || b === undefined) continue;
      const epoch = Math.ceil(n / b); // torch DataLoader, drop_last=False
      const last = n - (epoch - 1) * b;
      assertEquals(epoch, k.truth.period);
      assertEquals(k.truth.phase, epoch - 1);
      const ratio = kind === "last-batch-spike" ? b / last : last / b;
      assert(Math.abs(ratio - (k.meta.ratio as number)) < 1e-3, `${k.name}: ratio ${ratio}`);
      checked++;
    }
  }
  assert(checked >= 6, `only ${checked} cases carried dataset_size`);
});

Deno.test("the PyTorch fixture's setting is reproduced: N 5000, B 32, 157 steps, last batch 8", () => {
  const plan = planCases({ kinds: ["last-batch-spike"] }).find(([, i]) => i === 901)!;
  const k = buildCase(1, plan[0], plan[1], plan[2]);
  assertEquals(k.options, { dataset_size: 5000, batch_size: 32 });
  assertEquals(k.truth.period, 157);
  assertEquals(k.meta.ratio, 4);
  assertEquals(k.loss.length, 1570);
});

Deno.test("cases without a period forbid every periodic finding; periodic ones expect one", () => {
  for (const k of generateCases({ scale: 0.05, special: false })) {
    if (k.truth.period === null) {
      for (const id of ["periodic-spikes", "last-batch-spike", "unshuffled-data"]) {
        assert(k.truth.forbidden_findings?.includes(id), `${k.name} does not forbid ${id}`);
      }
    } else {
      assert(k.truth.expected_findings.length > 0, `${k.name} expects nothing`);
      assert(k.truth.period >= 20 && k.truth.period <= 5000, `${k.name}: period ${k.truth.period}`);
      const k1 = k.options.log_every ?? 1;
      assert(k.truth.period / k1 >= 5, `${k.name}: fewer than 5 points per period`);
    }
  }
});

Deno.test("block means of k steps equal a direct sum, and drop the incomplete block", () => {
  const values = Float64Array.from({ length: 23 }, (_, i) => i * i);
  const means = blockMeans(values, 5);
  assertEquals(means.length, 4);
  for (let i = 0; i < 4; i++) {
    let sum = 0;
    for (let j = 0; j < 5; j++) sum += (5 * i + j) ** 2;
    assertEquals(means[i], sum / 5);
  }
});

Deno.test("the random source's normals have mean 0, variance 1 and a Gaussian MAD", () => {
  const random = new Random(42);
  const n = 200_000;
  const x = new Float64Array(n);
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    x[i] = random.normal();
    sum += x[i];
    squares += x[i] * x[i];
  }
  const mean = sum / n;
  assert(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert(Math.abs(squares / n - 1) < 0.02, `variance ${squares / n}`);
  // 1.4826·MAD estimates σ = 1 for Gaussian data (Φ⁻¹(3/4) = 0.6745).
  assert(Math.abs(robustScale(x) - 1) < 0.03, `robust scale ${robustScale(x)}`);
});

Deno.test("Student-t deviates with ν = 3 have the t distribution's quartile 0.7649", () => {
  const random = new Random(7);
  const x = Array.from({ length: 100_000 }, () => Math.abs(random.studentT(3))).sort((a, b) =>
    a - b
  );
  // P(|T| ≤ q) = 1/2 at q = t_{0.75}(3) = 0.76489 (tables of Student's t).
  const median = x[x.length >> 1];
  assert(Math.abs(median - 0.7649) < 0.015, `median |T| ${median}`);
});

function fakeCase(period: number | null, logEvery = 1, expected: string[] = []): Case {
  return {
    name: "x",
    kind: "x",
    loss: [],
    options: logEvery === 1 ? {} : { log_every: logEvery },
    truth: { period, phase: period === null ? undefined : period - 1, expected_findings: expected },
    meta: {},
  };
}

Deno.test("a period is right within max(log_every, 2 %), and misses are named", () => {
  assertEquals(classifyPeriod(1390 * 1.019, 1390, 10), "ok");
  assertEquals(classifyPeriod(1390 * 1.021, 1390, 10), "wrong");
  assertEquals(classifyPeriod(157 + 10, 157, 10), "ok");
  assertEquals(classifyPeriod(157 + 11, 157, 10), "wrong");
  assertEquals(classifyPeriod(314, 157, 1), "2P");
  assertEquals(classifyPeriod(52.3, 157, 1), "P/3");
  assertEquals(classifyPeriod(null, 157, 1), "none");
  assertEquals(classifyPeriod(157, null, 1), "false-period");
  assertEquals(classifyPeriod(null, null, 1), "ok");
});

Deno.test("an expected entry a|b is met by either id; a forbidden id fails the case", () => {
  const kase = fakeCase(157, 1, ["last-batch-spike|periodic-spikes"]);
  kase.truth.forbidden_findings = ["last-batch-dip"];
  const ok = judge(kase, { period: 157, phase: 156, findings: ["periodic-spikes"] });
  assertEquals([ok.periodOk, ok.findingsOk, ok.forbiddenOk, ok.phaseOk], [true, true, true, true]);
  const bad = judge(kase, { period: 157, phase: 60, findings: ["last-batch-dip"] });
  assertEquals([bad.findingsOk, bad.forbiddenOk, bad.phaseOk], [false, false, false]);
  // Phase is circular: 1 is 2 steps from 156 modulo 157.
  assertEquals(judge(kase, { period: 157, phase: 1, findings: [] }).phaseOk, true);
});
