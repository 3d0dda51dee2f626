/**
 * `deno task corpus`: scores `POST /v1/spikes` on the real-log corpus (`tests/fixtures/real/`)
 * and on the outside generator's cases, as issue 11 asks.
 *
 * Prints, per split (tune, validation, outside), how many cases meet every part of their label;
 * the failed parts per case for `tune` and `outside` (for `validation` only the totals, unless
 * `--show-validation`); and a table per class. `--outside N` sets the cases per outside kind
 * (default 10), `--seed N` draws them from another seed (default 11, the held-out one: tune on
 * others), `--json <file>` writes every case's failed parts for `known_misses.json`.
 *
 * Each body goes through the exported app (`app.request`), so it is read as a user's would be;
 * a series the service does not read yet is dropped on a 422 and the drop is noted.
 */
import { createApp } from "../routes/app.ts";
import { defaultConfig } from "../routes/config.ts";
import { ask, loadCorpus, outsideCases, type ScoredCase } from "./corpus/cases.ts";
import { judge } from "./corpus/judge.ts";

/**
 * The service as exported, but with no work budget: the corpus judges the analysis of every
 * case, and a long case over `MAX_ANALYSIS_WORK` would get a 413 that says nothing about it.
 */
const service = createApp({ ...defaultConfig, maxAnalysisWork: Infinity });

/** One scored case: what failed, and what had to be dropped from the body. */
interface Result {
  c: ScoredCase;
  failed: string[];
  stripped: string[];
  ms: number;
}

/** Runs every case through the service and judges the answer. */
async function score(cases: ScoredCase[]): Promise<Result[]> {
  const out: Result[] = [];
  for (const c of cases) {
    const t0 = performance.now();
    const reply = await ask(c.body, service);
    const failed = judge(reply.status, reply.answer, c.label, c.logInterval);
    out.push({ c, failed, stripped: reply.stripped, ms: performance.now() - t0 });
  }
  return out;
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : "-");

/** The per-split line and, when shown, the failed parts of each missed case. */
function printSplit(name: string, rs: Result[], detail: boolean): void {
  const met = rs.filter((r) => r.failed.length === 0).length;
  console.log(`\n${name}: ${met} of ${rs.length} meet every label part (${pct(met, rs.length)})`);
  if (!detail) return;
  for (const r of rs.filter((r) => r.failed.length)) {
    console.log(`  ${r.c.id}: ${r.failed.join(", ")}`);
  }
}

/**
 * Issue 11's two rates on a split: the period right (no failed `period:` part) on every case, the
 * expected finding present (no failed `expected:` part) on the cases that expect one.
 */
function printRates(rs: Result[]): void {
  const period = rs.filter((r) => !r.failed.some((f) => f.startsWith("period:"))).length;
  const expecting = rs.filter((r) => r.c.label.expected.length > 0);
  const found = expecting.filter((r) => !r.failed.some((f) => f.startsWith("expected:"))).length;
  console.log(
    `  period right: ${period} of ${rs.length} (${pct(period, rs.length)}); expected finding: ` +
      `${found} of ${expecting.length} (${pct(found, expecting.length)})`,
  );
}

/** Per class: cases, cases met, and for each expected id how often it was found. */
function printClasses(title: string, rs: Result[]): void {
  const by = new Map<string, { n: number; met: number }>();
  for (const r of rs) {
    for (const k of r.c.classes) {
      const e = by.get(k) ?? { n: 0, met: 0 };
      e.n++;
      if (r.failed.length === 0) e.met++;
      by.set(k, e);
    }
  }
  console.log(`\n${title}\n| class | cases | met |\n|---|---|---|`);
  for (const [k, e] of [...by].sort()) {
    console.log(`| ${k} | ${e.n} | ${e.met} (${pct(e.met, e.n)}) |`);
  }
}

/** Reads `--flag value` from the command line. */
function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const perKind = Number(flag("--outside") ?? 10);
  const seed = Number(flag("--seed") ?? 11);
  const real = await score(await loadCorpus());
  const outside = await score(outsideCases(perKind, seed));
  const showValidation = Deno.args.includes("--show-validation");
  printSplit("tune", real.filter((r) => r.c.split === "tune"), true);
  printSplit("validation", real.filter((r) => r.c.split === "validation"), showValidation);
  printSplit(`outside (seed ${seed})`, outside, true);
  printRates(outside);
  const stripped = real.filter((r) => r.stripped.length);
  if (stripped.length) {
    console.log(
      `\nnote: ${stripped.length} real cases were answered 422 with ${
        stripped[0].stripped.join(", ")
      } and scored without them`,
    );
  }
  printClasses(
    "Real logs per class (tune and validation):",
    showValidation ? real : real.filter((r) => r.c.split === "tune"),
  );
  printClasses("Outside cases per kind:", outside);
  const out = flag("--json");
  if (out) {
    const rows = [...real, ...outside].map((r) => ({
      id: r.c.id,
      split: r.c.split,
      failed: r.failed,
      stripped: r.stripped,
    }));
    await Deno.writeTextFile(out, JSON.stringify(rows, null, 1) + "\n");
  }
}

if (import.meta.main) await main();
