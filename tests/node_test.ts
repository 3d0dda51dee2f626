/**
 * Node as a user runs it: `deno task build` writes the ESM bundles, and in a default npm project
 * (`npm init -y`: CommonJS, `"type": "commonjs"`) `node node.mjs` serves every endpoint as the
 * app does in process (contract_requests.ts, `/mcp`, `/docs`), and a CommonJS file uses
 * `lossdoctor.mjs` as a library through `import()`. Skipped, saying why, without node and npm.
 */
import { assert, assertEquals } from "@std/assert";
import { collectLog, compareWithInProcess, freePort, waitFor } from "./deployed.ts";

const found = async (command: string) =>
  await new Deno.Command(command, { args: ["--version"], stdout: "null", stderr: "null" })
    .output().then((o) => o.success).catch(() => false);
const missing = !(await found("node")) ? "node" : !(await found("npm")) ? "npm" : null;
if (missing) {
  if (Deno.env.get("CI") === "true") {
    throw new Error(`CI must run the Node test; ${missing} is missing`);
  }
  console.log(`skipped: the Node test needs ${missing}, which is not installed`);
}

const root = new URL("..", import.meta.url).pathname;

async function run(command: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  assert(out.success, `${command} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return text;
}

/** A CommonJS script of the user's project that loads the library bundle. */
const LIBRARY_USER = `// CommonJS, as npm init makes it: an ES module is loaded with import().
(async () => {
  const { createApp, configFromEnv } = await import("./lossdoctor.mjs");
  const app = createApp(configFromEnv((name) => process.env[name]));
  const res = await app.request("/v1/last-batch", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ dataset_size: 5000, batch_size: 32, reduction: "sum" }),
  });
  const answer = await res.json();
  console.log(JSON.stringify({ status: res.status, last_batch_size: answer.last_batch_size }));
})();
`;

Deno.test({
  name: "in a default (CommonJS) npm project, node node.mjs serves every endpoint, /mcp and /docs",
  ignore: missing !== null,
  async fn() {
    const project = await Deno.makeTempDir({ prefix: "lossdoctor-node-" });
    try {
      await run(Deno.execPath(), ["run", "-A", "scripts/build.ts", project], root);
      await run("npm", ["init", "-y"], project);
      const pkg = JSON.parse(await Deno.readTextFile(`${project}/package.json`));
      assert(pkg.type === undefined || pkg.type === "commonjs", "npm init made a CommonJS project");

      await Deno.writeTextFile(`${project}/use.js`, LIBRARY_USER);
      const used = JSON.parse(await run("node", ["use.js"], project));
      assertEquals(used, { status: 200, last_batch_size: 8 });

      const port = freePort();
      const server = new Deno.Command("node", {
        args: ["node.mjs"],
        cwd: project,
        env: { PORT: String(port), HOST: "127.0.0.1" },
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const { log, drained } = collectLog(server);
      try {
        const base = `http://127.0.0.1:${port}`;
        await waitFor(`${base}/healthz`, 60, log);
        assertEquals(await compareWithInProcess(base), []);
      } finally {
        server.kill("SIGTERM");
        await server.status;
        await drained;
      }
    } finally {
      await Deno.remove(project, { recursive: true });
    }
  },
});
