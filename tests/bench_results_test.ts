/**
 * `deno task bench` rewrites bench/RESULTS.md and keeps what other scripts wrote there: the
 * sections from the "kept by bench.ts" mark on (the worst cases, the work budget and the attack)
 * and the cold-start section `deno task cold-start` replaces in place.
 */
import { assertEquals } from "@std/assert";
import { keptSections, section } from "../bench/bench.ts";

const COLD = "## Cold start (2026-12-04)\n\n| process | median |\n";
const ATTACK = "<!-- kept by bench.ts -->\n## Worst cases, work budget and attack\n\n### attack\n";

Deno.test("bench.ts keeps the marked sections and the cold start, each once", () => {
  const results = `# Benchmark results\n\n## Machine\n\nold\n\n${ATTACK}\n${COLD}`;
  assertEquals(keptSections(results), `\n${ATTACK}\n${COLD}`);
});

Deno.test("bench.ts keeps a cold-start section that stands before the mark or without one", () => {
  const before = `# Benchmark results\n\n${COLD}\n${ATTACK}`;
  assertEquals(keptSections(before), `\n${ATTACK}\n${COLD}`);
  assertEquals(keptSections(`# Benchmark results\n\n${COLD}`), `\n${COLD}`);
  assertEquals(keptSections("# Benchmark results\n\n## Machine\n"), "");
});

Deno.test("a section runs from its heading to the next level-2 heading or the mark", () => {
  const text = `# R\n\n## A\n\na\n\n### A.1\n\nx\n\n## B\n\nb\n\n${ATTACK}`;
  assertEquals(section(text, "## A"), "## A\n\na\n\n### A.1\n\nx\n");
  assertEquals(section(text, "## B"), "## B\n\nb\n");
  assertEquals(section(text, "## C"), "");
});
