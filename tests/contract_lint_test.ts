/**
 * The published document passes the OpenAPI linters with no error: Redocly's recommended rules
 * and Spectral's `spectral:oas` (.spectral.yaml). Warnings are printed, not failed: the two
 * left ask for `info.license` and `info.contact`, which this project does not have.
 */
import { assertEquals } from "@std/assert";
import app from "../routes/app.ts";
import { npmTool, runTool } from "./npm_tools.ts";

const redocly = npmTool("redocly");
const spectral = npmTool("spectral");

/** The served document, written to a temporary file for a linter. */
async function servedDocument(dir: string): Promise<string> {
  const file = `${dir}/openapi.json`;
  await Deno.writeTextFile(file, await (await app.request("/openapi.json")).text());
  return file;
}

Deno.test({
  name: "Redocly finds no error in the published document",
  ignore: !redocly.path,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const run = await runTool(redocly as { path: string }, [
        "lint",
        await servedDocument(dir),
        "--format=json",
      ]);
      const report = JSON.parse(run.stdout);
      const problems = report.problems.map((
        p: { severity: string; ruleId: string; message: string },
      ) => `${p.severity} ${p.ruleId}: ${p.message}`);
      console.log(`Redocly: ${problems.join("; ") || "nothing"}`);
      assertEquals(problems.filter((p: string) => p.startsWith("error")), []);
      assertEquals(report.totals.errors, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "Spectral's OpenAPI rules find no error in the published document",
  ignore: !spectral.path,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const ruleset = new URL("../.spectral.yaml", import.meta.url).pathname;
      const run = await runTool(spectral as { path: string }, [
        "lint",
        await servedDocument(dir),
        "--ruleset",
        ruleset,
        "--format",
        "json",
        "--quiet",
      ]);
      const problems = JSON.parse(run.stdout || "[]").map(
        (p: { severity: number; code: string; path: string[] }) =>
          `${["error", "warning", "info", "hint"][p.severity]} ${p.code} at ${p.path.join(".")}`,
      );
      console.log(`Spectral: ${problems.join("; ") || "nothing"}`);
      assertEquals(problems.filter((p: string) => p.startsWith("error")), []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
