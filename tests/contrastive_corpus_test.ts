/**
 * The corpus of public reports (tests/fixtures/contrastive/cases, see its README): every case's
 * body is posted to /v1/contrastive and its answer held to the expectation written from the thread.
 */
import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { postContrastive, texts } from "./contrastive_helpers.ts";

interface Expect {
  status: number;
  stage?: string | null;
  stages_from?: string;
  findings?: Record<string, string>;
  absent?: string[];
  quiet?: boolean;
  forecast?: null | { quantity: string; after: number };
  numbers?: Record<string, [number, number]>;
  outside_model?: string[];
  evidence_includes?: Record<string, string[]>;
  remedies_include?: Record<string, string[]>;
  text_excludes?: string[];
  embeddings_first_nonfinite_stage?: string;
}

interface Case {
  source: string;
  request: unknown;
  expect: Expect;
}

type Finding = {
  id: string;
  severity: string;
  title: string;
  evidence: string;
  remedies: string[];
};

const folder = new URL("./fixtures/contrastive/cases/", import.meta.url);
const names = [...Deno.readDirSync(folder)].map((e) => e.name).filter((n) => n.endsWith(".json"))
  .sort();

function at(body: unknown, path: string): unknown {
  return path.split(".").reduce((v: unknown, k) => (v as Record<string, unknown>)?.[k], body);
}

/** The ways an answer can miss its case; empty when it meets it. */
function misses(body: Record<string, unknown>, status: number, e: Expect): string[] {
  const out: string[] = [];
  if (status !== e.status) return [`status ${status}, expected ${e.status}`];
  const findings = (body.findings ?? []) as Finding[];
  const byId = new Map(findings.map((f) => [f.id, f]));
  const stage = (body.first_overflow as { stage?: string } | null)?.stage ?? null;
  if (e.stage !== undefined && stage !== e.stage) out.push(`stage ${stage}, expected ${e.stage}`);
  if (e.stages_from && body.stages_from !== e.stages_from) {
    out.push(`stages_from ${body.stages_from}`);
  }
  for (const [id, severity] of Object.entries(e.findings ?? {})) {
    const f = byId.get(id);
    if (!f) out.push(`no ${id}`);
    else if (f.severity !== severity) out.push(`${id} is ${f.severity}, expected ${severity}`);
  }
  for (const id of e.absent ?? []) if (byId.has(id)) out.push(`unexpected ${id}`);
  if (e.quiet) {
    const loud = findings.filter((f) => f.severity !== "info").map((f) => f.id);
    if (loud.length > 0) out.push(`not quiet: ${loud}`);
  }
  const forecast = body.forecast as { quantity: string; overflow_step: number } | null;
  if (e.forecast === null && forecast) out.push(`unexpected forecast ${JSON.stringify(forecast)}`);
  if (e.forecast) {
    if (!forecast) out.push("no forecast");
    else if (
      forecast.quantity !== e.forecast.quantity || !(forecast.overflow_step > e.forecast.after)
    ) {
      out.push(`forecast ${forecast.quantity} at ${forecast.overflow_step}`);
    }
  }
  for (const [path, [value, tolerance]] of Object.entries(e.numbers ?? {})) {
    const got = at(body, path);
    if (typeof got !== "number" || Math.abs(got - value) > tolerance) {
      out.push(`${path} = ${got}, expected ${value} ± ${tolerance}`);
    }
  }
  for (const word of e.outside_model ?? []) {
    if (!String(body.outside_model ?? "").includes(word)) out.push(`outside_model lacks ${word}`);
  }
  for (
    const [key, field] of [["evidence_includes", "evidence"], ["remedies_include", "remedies"]]
  ) {
    const wanted = e[key as "evidence_includes"] ?? {};
    for (const [id, words] of Object.entries(wanted)) {
      const text = texts(byId.get(id)?.[field as "evidence"]).join(" ");
      for (const w of words) if (!text.includes(w)) out.push(`${id} ${field} lacks ${w}`);
    }
  }
  const all = texts(body).join("\n");
  for (const phrase of e.text_excludes ?? []) {
    if (all.includes(phrase)) out.push(`text holds "${phrase}"`);
  }
  if (/\bseed|\breport/i.test(all)) out.push(`text names internal provenance`);
  if (e.embeddings_first_nonfinite_stage) {
    const got = at(body, "embeddings.first_nonfinite.stable.stage");
    if (got !== e.embeddings_first_nonfinite_stage) {
      out.push(`embeddings first non-finite at ${got}`);
    }
  }
  return out;
}

for (const name of names) {
  const c: Case = JSON.parse(Deno.readTextFileSync(new URL(name, folder)));
  Deno.test(`corpus ${name.replace(".json", "")}: the answer meets what the thread says`, async () => {
    const { status, body } = await postContrastive(c.request);
    const missed = misses(body, status, c.expect);
    assertEquals(missed, [], `${c.source}\n${JSON.stringify(body.findings ?? body, null, 1)}`);
  });
}

Deno.test("the corpus holds at least 12 public reports and the cases the issue names", () => {
  const required = [
    "openai-clip-40",
    "lightning-bolts-811",
    "lightly-1259",
    "negclip-falling-scale",
    "max-logit-alone",
  ];
  for (const r of required) assert(names.includes(`${r}.json`), r);
  const sources = names.map((n) =>
    JSON.parse(Deno.readTextFileSync(new URL(n, folder))).source as string
  );
  assert(sources.filter((s) => s.startsWith("https://")).length >= 12);
  const bolts = JSON.parse(Deno.readTextFileSync(new URL("lightning-bolts-811.json", folder)));
  assertAlmostEquals(
    bolts.expect.numbers["first_overflow.safe_dot_limit"][0],
    0.01 * 88.7228,
    1e-4,
  );
});
