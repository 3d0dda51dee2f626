/**
 * The lib types and the zod schemas of the answers cannot drift apart: contract_types.ts states
 * their equality at compile time (so this file's type check, which `deno test` runs, fails on a
 * drift), and a drift made here on purpose is refused by `deno check`.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import * as answers from "./contract_types.ts";

Deno.test("every endpoint's lib type is its zod schema's JSON, checked at compile time", () => {
  assertEquals(Object.keys(answers).sort(), [
    "contrastive",
    "diagnose",
    "finding",
    "lastBatch",
    "logSumExp",
    "spikes",
  ]);
  assert(Object.values(answers).every((same) => same === true));
});

Deno.test("a field the lib type has and the schema lacks fails the type check", async () => {
  const root = new URL("..", import.meta.url);
  const dir = await Deno.makeTempDir({ dir: new URL("./", import.meta.url).pathname });
  try {
    const file = `${dir}/drift.ts`;
    await Deno.writeTextFile(
      file,
      [
        `import type { SpikeReport } from "${new URL("lib/spikes/mod.ts", root).href}";`,
        `import type { SpikesResponseSchema } from "${new URL("routes/spikes.ts", root).href}";`,
        `import type { SameAnswer } from "${new URL("tests/contract_types.ts", root).href}";`,
        "type Drifted = SpikeReport & { undocumented: number };",
        "export const same: SameAnswer<SpikeReport, typeof SpikesResponseSchema> = true;",
        "export const drifted: SameAnswer<Drifted, typeof SpikesResponseSchema> = true;",
      ].join("\n"),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--config", new URL("deno.json", root).pathname, file],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stderr);
    assert(!out.success, "the drifted type passed the check");
    assertStringIncludes(text, "export const drifted");
    assert(!text.includes("export const same"), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
