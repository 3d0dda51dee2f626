/**
 * The corpus of public reports (tests/fixtures/last_batch/reports.json): each rebuilt as a
 * POST /v1/last-batch request, with what the answer must say, and, where the report names a fix,
 * what the fixed configuration must say.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import app from "../routes/app.ts";

interface Expect {
  findings?: { id: string; severity?: string }[];
  absent?: string[];
  no_warning?: boolean;
  values?: { path: string; equals?: number; approx?: number; within?: number }[];
  text?: { id: string; includes: string }[];
  summary_excludes?: string[];
  ratio_of_factors?: {
    base: Row;
    rows: Row[];
    within: number;
  };
}
interface Row {
  grad_accum_steps: number;
  batch_size: number;
  world_size: number;
  measured: number;
}
interface Case {
  id: string;
  source: string;
  numbers: string;
  what_happened: string;
  what_fixed_it: string;
  request: Record<string, unknown>;
  expect: Expect;
  after_fix?: { request: Record<string, unknown>; expect: Expect };
}
interface Finding {
  id: string;
  severity: string;
  title: string;
  evidence: string;
  remedies: string[];
}

const { cases } = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/last_batch/reports.json", import.meta.url)),
) as { cases: Case[] };

async function ask(body: Record<string, unknown>) {
  const res = await app.request("/v1/last-batch", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assertEquals(res.status, 200, JSON.stringify(body));
  return await res.json();
}

const at = (answer: unknown, path: string) =>
  path.split(".").reduce((v: unknown, key) => (v as Record<string, unknown>)?.[key], answer);

async function check(name: string, request: Record<string, unknown>, expect: Expect) {
  const answer = await ask(request);
  const findings = answer.findings as Finding[];
  const ids = findings.map((f) => f.id);
  for (const want of expect.findings ?? []) {
    const found = findings.find((f) => f.id === want.id);
    assert(found, `${name}: expected ${want.id}, got ${ids.join(", ") || "none"}`);
    if (want.severity) assertEquals(found.severity, want.severity, `${name}: ${want.id}`);
  }
  for (const id of expect.absent ?? []) assert(!ids.includes(id), `${name}: ${id} present`);
  if (expect.no_warning) {
    const loud = findings.filter((f) => f.severity !== "info").map((f) => f.id);
    assertEquals(loud, [], `${name}: findings above info`);
  }
  for (const v of expect.values ?? []) {
    const value = at(answer, v.path) as number;
    if (v.equals !== undefined) assertEquals(value, v.equals, `${name}: ${v.path}`);
    if (v.approx !== undefined) {
      assert(
        Math.abs(value - v.approx) <= v.within! * Math.abs(v.approx),
        `${name}: ${v.path} = ${value}, expected ${v.approx} ± ${v.within! * 100} %`,
      );
    }
  }
  for (const t of expect.text ?? []) {
    const f = findings.find((x) => x.id === t.id)!;
    assertStringIncludes([f.title, f.evidence, ...f.remedies].join("\n"), t.includes, name);
  }
  for (const text of expect.summary_excludes ?? []) {
    assert(!answer.summary.includes(text), `${name}: the summary says "${text}"`);
  }
  if (expect.ratio_of_factors) await checkRatios(name, request, expect.ratio_of_factors);
}

/** Each row's loss factor over the base row's predicts the ratio of their measured losses. */
async function checkRatios(
  name: string,
  request: Record<string, unknown>,
  r: Expect["ratio_of_factors"] & object,
) {
  const factor = async (row: Row) => {
    const answer = await ask({ ...request, ...row, measured: undefined });
    return answer.accumulation.normalization.loss_factor as number;
  };
  const base = await factor(r.base);
  for (const row of r.rows) {
    const predicted = (await factor(row)) / base;
    const measured = row.measured / r.base.measured;
    assert(
      Math.abs(predicted / measured - 1) <= r.within,
      `${name}: GA ${row.grad_accum_steps}: predicted ${predicted}×, measured ${
        measured.toFixed(3)
      }×`,
    );
  }
}

Deno.test("the corpus holds at least 10 public reports, each with its source, numbers and fix", () => {
  assert(cases.length >= 10, `${cases.length} cases`);
  for (const c of cases) {
    for (const field of ["source", "numbers", "what_happened", "what_fixed_it"] as const) {
      assert(c[field].length > 10, `${c.id}: ${field}`);
    }
  }
});

for (const c of cases) {
  Deno.test(`report ${c.id}: the answer says what happened`, async () => {
    await check(c.id, c.request, c.expect);
  });
  if (c.after_fix) {
    const fix = c.after_fix;
    Deno.test(`report ${c.id}: the fixed configuration is answered as fixed`, async () => {
      await check(`${c.id} (fixed)`, fix.request, fix.expect);
    });
  }
}
