/**
 * The `@example`s of the files whose doc comments sit on their exports run and pass
 * (`deno test --doc`). The list grows as the other files' header comments move onto their
 * exports; at the end it is every file, and `deno task test` can take `--doc` itself.
 */
import { assert } from "@std/assert";

const DOCUMENTED = [
  "main.ts",
  "edge.ts",
  "routes/app.ts",
  "routes/docs.ts",
  "routes/problem.ts",
  "routes/zod.ts",
  "lib/parse/line_cursor.ts",
  "lib/parse/log_entries.ts",
];

Deno.test("the examples on the exports of the documented files run and pass", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    // Run, not type-checked here (the check of the whole graph would double this suite's time);
    // `deno check --doc` on the same files type-checks them.
    args: ["test", "--doc", "--no-check", "--allow-all", ...DOCUMENTED],
    cwd: new URL("..", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert(out.success, text);
  const ran = Number(/ok \| (\d+) passed/.exec(text)?.[1] ?? 0);
  assert(ran >= DOCUMENTED.length, `only ${ran} examples ran:\n${text}`);
});
