/**
 * The npm tools some tests run (wrangler, Redocly, Spectral, openapi-typescript), as
 * `npm ci --prefix tools` installs them from tools/package.json and its lockfile.
 *
 * A clone without them still passes: each such test is skipped, and says why and how to get the
 * tool. CI must run them: with `CI=true` (as .ci/run runs), a missing tool is an error, not a
 * skip.
 */

const BIN = new URL("../tools/node_modules/.bin/", import.meta.url).pathname;

/** Whether `node` runs here (the tools are Node programs). */
const hasNode = await new Deno.Command("node", { args: ["--version"], stdout: "null" })
  .output().then((o) => o.success).catch(() => false);

/** An installed tool's path, or why it cannot run. */
export type NpmTool = { path: string; skip?: undefined } | { path?: undefined; skip: string };

/** The tool `bin` of tools/node_modules/.bin, or the reason the tests that need it skip. */
export function npmTool(bin: string): NpmTool {
  const path = BIN + bin;
  let installed = false;
  try {
    installed = Deno.statSync(path).isFile;
  } catch {
    installed = false;
  }
  const skip = !hasNode
    ? `${bin} needs node, which is not installed`
    : !installed
    ? `${bin} is not installed: run \`npm ci --prefix tools\``
    : undefined;
  if (!skip) return { path };
  if (Deno.env.get("CI") === "true") throw new Error(`CI must run this test, but ${skip}`);
  console.log(`skipped: ${skip}`);
  return { skip };
}

/** Runs an installed tool; its exit code and output. */
export async function runTool(
  tool: { path: string },
  args: string[],
  cwd = new URL("..", import.meta.url).pathname,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(tool.path, {
    args,
    cwd,
    env: { NO_COLOR: "1", FORCE_COLOR: "0" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}
