/**
 * The emulator against an independent IEEE implementation: numpy's float16 and float32.
 *
 * tests/numpy_reference.py draws random vectors and random contrastive batches from a seed chosen
 * here at run time (so the cases are in no file of the repository), and evaluates them op by op
 * with numpy scalars; this test runs the same cases through lib/lse and lib/contrastive. Verdicts
 * (finite, +Infinity, −Infinity, NaN) must agree exactly and finite values within one unit in the
 * last place of their format. Skipped (ignored) when no python3 with numpy is installed; .ci/run
 * installs Debian's `python3-numpy` when none is.
 */
import { assert } from "@std/assert";
import { embeddingsLoss, precisionPlan } from "../lib/contrastive/mod.ts";
import { type Format, ulpDistance } from "../lib/fp/mod.ts";
import { logSumExp, type LseMethod } from "../lib/lse/mod.ts";

/** The first Python on this machine that has numpy (pyenv's, then Debian's), or null. */
async function pythonWithNumpy(): Promise<string | null> {
  for (const python of ["python3", "/usr/bin/python3"]) {
    try {
      const out = await new Deno.Command(python, { args: ["-c", "import numpy"] }).output();
      if (out.success) return python;
    } catch {
      // not installed: try the next one
    }
  }
  return null;
}

const python = await pythonWithNumpy();
const hasNumpy = python !== null;

type Num = number | "NaN" | "Infinity" | "-Infinity";
const num = (v: Num): number => (typeof v === "number" ? v : Number(v));
const verdict = (v: number) =>
  Number.isNaN(v) ? "NaN" : v === Infinity ? "+inf" : v === -Infinity ? "-inf" : "finite";

interface Tally {
  cases: number;
  identical: number;
  oneUlp: number;
  nonFinite: number;
}

function compare(ours: number, theirs: number, format: Format, what: string, tally: Tally) {
  tally.cases++;
  assert(
    verdict(ours) === verdict(theirs),
    `${what}: the emulator says ${ours}, numpy says ${theirs}`,
  );
  if (verdict(ours) !== "finite") {
    tally.nonFinite++;
    return;
  }
  const d = ulpDistance(ours, theirs, format);
  assert(d <= 1, `${what}: ${ours} vs numpy ${theirs} differ by ${d} ulps of ${format}`);
  if (d === 0) tally.identical++;
  else tally.oneUlp++;
}

Deno.test({
  name: "random vectors and batches agree with numpy's float16/float32 (verdicts exact, ≤ 1 ulp)",
  ignore: !hasNumpy,
  async fn() {
    const seed = crypto.getRandomValues(new Uint32Array(1))[0];
    const script = new URL("./numpy_reference.py", import.meta.url).pathname;
    const out = await new Deno.Command(python!, { args: [script, String(seed)] }).output();
    assert(out.success, new TextDecoder().decode(out.stderr));
    const data = JSON.parse(new TextDecoder().decode(out.stdout));

    const vectors: Tally = { cases: 0, identical: 0, oneUlp: 0, nonFinite: 0 };
    for (const [i, v] of data.vectors.entries()) {
      const ours = logSumExp(v.x.map(num), {
        method: v.method as LseMethod,
        format: v.format,
        accumulate: v.accumulate,
      }).value;
      compare(
        ours,
        num(v.value),
        v.format,
        `seed ${seed}, vector ${i} (${v.method} ${v.format})`,
        vectors,
      );
    }

    const rows: Tally = { cases: 0, identical: 0, oneUlp: 0, nonFinite: 0 };
    for (const [i, b] of data.batches.entries()) {
      const r = embeddingsLoss(
        b.q,
        b.k,
        { kind: "temperature", value: b.temperature },
        b.precision,
      );
      const framework = precisionPlan(b.precision, "framework").output;
      const naive = precisionPlan(b.precision, "naive").output;
      r.per_row.forEach((row, j) => {
        const at = `seed ${seed}, batch ${i} (${b.precision}, τ ${b.temperature}), row ${j}`;
        compare(row.stable, num(b.per_row[j].stable), framework, `${at} stable`, rows);
        compare(row.naive, num(b.per_row[j].naive), naive, `${at} naive`, rows);
      });
    }
    console.log(
      `seed ${seed}: vectors ${JSON.stringify(vectors)}; batch rows ${JSON.stringify(rows)}`,
    );
    // The draws must exercise both verdicts, or the test proves little.
    assert(vectors.nonFinite > 0 && vectors.identical > 0, JSON.stringify(vectors));
    assert(rows.nonFinite > 0 && rows.identical > 0, JSON.stringify(rows));
  },
});
