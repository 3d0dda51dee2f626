/**
 * The real-log ratchet (issue 11): one row per case of `tests/fixtures/real/`, each sent to
 * `POST /v1/spikes` through the app as a user would send it and judged on its label (written from
 * the plot before any answer was read). `known_misses.json` lists the cases the service misses
 * today with the parts it fails: a row not in the list must meet its label, and a row in the list
 * must still miss, so the list can only shrink as the analysis improves.
 */
import { assert, assertEquals } from "@std/assert";
import { ask, CORPUS_DIR, loadCorpus } from "../bench/corpus/cases.ts";
import { judge } from "../bench/corpus/judge.ts";

const cases = await loadCorpus();
const knownMisses: Record<string, string[]> = JSON.parse(
  await Deno.readTextFile(new URL("known_misses.json", CORPUS_DIR)),
);

/** "hf-…: drops 11-45 % at 8 of 8 epoch starts … is answered with epoch-start-drop". */
function sentence(c: (typeof cases)[number]): string {
  const l = c.label;
  const says = l.expected.length
    ? `is answered with ${l.expected.join(" and ")}`
    : l.no_warning
    ? "gets no warning"
    : "is not misread";
  const miss = c.id in knownMisses ? " (a known miss: it must still miss)" : "";
  return `${c.id}: ${l.evidence} — ${says}${miss}`;
}

for (const c of cases) {
  Deno.test(sentence(c), async () => {
    const reply = await ask(c.body);
    const failed = judge(reply.status, reply.answer, c.label, c.logInterval);
    if (c.id in knownMisses) {
      assert(failed.length > 0, `${c.id} now meets its label: remove it from known_misses.json`);
    } else {
      assertEquals(failed, [], `${c.id} misses its label`);
    }
  });
}

Deno.test("known_misses.json names only cases of the corpus", () => {
  const ids = new Set(cases.map((c) => c.id));
  for (const id of Object.keys(knownMisses)) assert(ids.has(id), `${id} is not a corpus case`);
});
