/**
 * Answers pinned byte for byte (tests/fixtures/pinned/README.md): a function split into stages, or
 * otherwise rewritten without meaning to change what it does, still writes exactly what it wrote.
 */
import { assertEquals } from "@std/assert";
import { pinnedFiles } from "./fixtures/pinned/cases.ts";

const pinned = await pinnedFiles();
const folder = new URL("./fixtures/pinned/", import.meta.url);

const about: Record<string, string> = {
  "plot/": "renderLossPlot draws",
  "plot/errors.json": "renderLossPlot refuses bad input with the same first complaint:",
  "optimizer_effect.json": "optimizerEffect answers and refuses",
  "last_batch_findings.json": "lastBatchFindings words the findings of",
  "contrastive_reports.json": "checkContrastiveStability answers the public cases of",
  "forecast_overflow.json": "forecastOverflow forecasts the series of",
  "json_error_position.json": "jsonErrorPosition finds where each text stops being JSON in",
};

for (const [path, text] of pinned) {
  const what = about[path] ?? about[path.slice(0, path.indexOf("/") + 1)];
  Deno.test(`${what} ${path} as it was pinned, byte for byte`, async () => {
    assertEquals(text, await Deno.readTextFile(new URL(path, folder)));
  });
}

Deno.test("every pinned file is still written by a case", async () => {
  const stored: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    if (entry.isFile && /\.(json|svg)$/.test(entry.name)) stored.push(entry.name);
  }
  for await (const entry of Deno.readDir(new URL("plot/", folder))) {
    stored.push(`plot/${entry.name}`);
  }
  assertEquals(stored.sort(), [...pinned.keys()].sort());
});
