/**
 * Cloudflare Workers as shipped: `wrangler dev` from the repository root (its wrangler.toml, its
 * build step `deno task build`) serves the worker in the local Workers runtime (workerd), and
 * every endpoint answers there as the app does in process — each 200 and each error status of
 * contract_requests.ts, `/mcp`, `/docs` and its assets, the contract — and a typical 10⁶-point
 * curve gets its analysis (200) with the default settings: the work budget
 * (`MAX_ANALYSIS_WORK`) counts the request, not the clock, so a slow or busy runtime gives the
 * same answer. Skipped, saying why, without wrangler (`npm ci --prefix tools`).
 */
import { assertEquals } from "@std/assert";
import { dirname } from "node:path";
import { collectLog, compareWithInProcess, freePort, waitFor } from "./deployed.ts";
import { npmTool } from "./npm_tools.ts";

const wrangler = npmTool("wrangler");

/** A typical long run: 10⁶ logged losses, a spike at the last step of each 157-step epoch. */
function millionPoints(): string {
  let seed = 7;
  const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const loss = Array.from(
    { length: 1_000_000 },
    (_, i) =>
      Number(
        (2 / Math.sqrt(1 + i / 1000) + 0.05 * random() + (i % 157 === 156 ? 1 : 0)).toFixed(5),
      ),
  );
  return JSON.stringify({ loss, steps_per_epoch: 157 });
}

Deno.test({
  name: "wrangler dev from the repository root serves every endpoint, /mcp and /docs",
  ignore: !wrangler.path,
  async fn() {
    const port = freePort();
    const root = new URL("..", import.meta.url).pathname;
    const child = new Deno.Command(wrangler.path!, {
      args: [
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--inspector-port",
        String(freePort()),
        "--show-interactive-dev-session=false",
      ],
      cwd: root,
      // The build step runs `deno task build`: this Deno, whatever the PATH has.
      env: {
        PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH")}`,
        WRANGLER_SEND_METRICS: "false",
        NO_COLOR: "1",
        CI: "true",
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const { log, drained } = collectLog(child);
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(`${base}/healthz`, 120, log);
      // wrangler's file watcher reports its folders changed once as it starts, and rebuilds:
      // wait until no build has started for a while, so no request meets the restart.
      for (let quiet = 0, builds = -1; quiet < 3;) {
        const now = log().split("[custom build] Running").length;
        quiet = now === builds ? quiet + 1 : 0;
        builds = now;
        await new Promise((r) => setTimeout(r, 1000));
      }
      await waitFor(`${base}/healthz`, 120, log);
      const differences = await compareWithInProcess(base);
      assertEquals(differences, [], differences.length ? log() : "");
      const big = await fetch(`${base}/v1/spikes`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: millionPoints(),
      });
      const answer = await big.json();
      assertEquals(big.status, 200, JSON.stringify(answer).slice(0, 300));
      assertEquals([answer.n, answer.periodicity.period], [1_000_000, 157]);
    } finally {
      child.kill("SIGTERM");
      await child.status;
      await drained;
    }
  },
});
