/**
 * `deno task bench`: how the service's time compares with the floor no analysis can beat, and
 * with the peers — written to bench/RESULTS.md with the machine it ran on.
 *
 * 1. For n = 1e3, 1e4, 1e5, 1e6 (a generated curve: power-law decay, last-batch spikes every
 *    1390 steps or n/10, 0.5 % missing points sent as null), the server-side time of
 *    `POST /v1/spikes` through `app.request()` (routes/app.ts: body read, parse, validation,
 *    analysis, serialisation; no network) against the time `JSON.parse` takes for the same body,
 *    as a ratio, medians of several runs in one process (issue 2: ≤ 3 at 1e6). Also the
 *    in-process `analyzeSpikes` alone, and a route that only reads and parses the same body.
 * 2. When python3/R are installed, the peers side by side (bench/peers.ts).
 *
 * Usage: deno task bench [--quick] [--no-peers] [--reps N] [--peer-data DIR] [--out FILE]
 */
import { Hono } from "hono";
import { buildCase, requestBody } from "./cases/generate.ts";
import { peerMarkdown, type PeerReport, runPeers } from "./peers.ts";
import { type Analyzer, loadLibAnalyzer } from "./spikes_api.ts";
import { createApp } from "../routes/app.ts";

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
}

/** Times `work` `reps` times after `warm` unmeasured runs; returns the median in ms. */
async function time(reps: number, warm: number, work: () => unknown): Promise<number> {
  for (let i = 0; i < warm; i++) await work();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await work();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

/** The body of the synthetic series of `n` points. */
export function benchBody(n: number): { text: string; period: number } {
  const period = Math.min(1390, Math.round(n / 10));
  const kase = buildCase(7, "last-batch-spike", 990, {
    special: "bench",
    layout: {
      logEvery: 1,
      minPeriod: period,
      maxPeriod: period,
      nMin: n,
      nMax: n,
      maxCycles: Infinity,
    },
    info: "none",
    trend: "power",
    batches: { batchSize: 32, lastBatch: 8 },
  });
  for (let i = 97; i < kase.loss.length; i += 200) kase.loss[i] = NaN;
  return { text: JSON.stringify(requestBody(kase)), period };
}

/** One row of the ratio table. */
interface SizeRow {
  n: number;
  bytes: number;
  parseMs: number;
  serverMs: number | null;
  status: number;
  parseRouteMs: number;
  analyzeMs: number | null;
  period: number | null;
  truePeriod: number;
}

async function measureSizes(
  sizes: number[],
  reps: (n: number) => number,
  log: (s: string) => void,
) {
  const app = createApp();
  const parseOnly = new Hono().post("/", async (c) => {
    const body = JSON.parse(await c.req.text());
    return c.json({ n: Array.isArray(body.loss) ? body.loss.length : 0 });
  });
  const { analyze } = await loadLibAnalyzer();
  const rows: SizeRow[] = [];
  for (const n of sizes) {
    const { text, period } = benchBody(n);
    const r = reps(n);
    const parseMs = await time(r, 2, () => JSON.parse(text));
    const post = () =>
      app.request("/v1/spikes", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: text,
      });
    const probe = await post();
    const status = probe.status;
    let found: number | null = null;
    if (status === 200) found = (await probe.json()).periodicity?.period ?? null;
    else await probe.body?.cancel();
    const serverMs = status === 404 ? null : await time(r, 1, async () => (await post()).text());
    const parseRouteMs = await time(r, 2, async () =>
      (await parseOnly.request("/", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: text,
      })).text());
    let analyzeMs: number | null = null;
    if (analyze) {
      const loss = Float64Array.from(JSON.parse(text).loss as (number | null)[], (v) => v ?? NaN);
      analyzeMs = await time(r, 1, () => (analyze as Analyzer)(loss));
      if (status !== 200) found = (analyze as Analyzer)(loss).periodicity.period;
    }
    rows.push({
      n,
      bytes: new TextEncoder().encode(text).length,
      parseMs,
      serverMs,
      status,
      parseRouteMs,
      analyzeMs,
      period: found,
      truePeriod: period,
    });
    log(
      `  n=${n}: parse ${parseMs.toFixed(2)} ms, /v1/spikes ${
        serverMs === null ? `HTTP ${status}` : `${serverMs.toFixed(2)} ms`
      }`,
    );
  }
  return rows;
}

async function machine(): Promise<string[]> {
  const lines: string[] = [];
  let cpu = "unknown";
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    cpu = info.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpu;
  } catch { /* not Linux */ }
  let nproc = String(navigator.hardwareConcurrency);
  try {
    const out = await new Deno.Command("nproc", { stdout: "piped" }).output();
    nproc = new TextDecoder().decode(out.stdout).trim() || nproc;
  } catch { /* no nproc */ }
  const version = async (cmd: string, args: string[]) => {
    try {
      const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      return out.success ? text.trim().split("\n")[0] : null;
    } catch {
      return null;
    }
  };
  const commit = await version("git", [
    "-C",
    new URL("../", import.meta.url).pathname,
    "rev-parse",
    "--short",
    "HEAD",
  ]);
  const python = await version("/usr/bin/python3", [
    "-c",
    "import sys, numpy, scipy; print(sys.version.split()[0], 'numpy', numpy.__version__, 'scipy', scipy.__version__)",
  ]);
  const r = await version("Rscript", ["--version"]);
  lines.push(
    `- CPU: ${cpu}; \`nproc\` = ${nproc}`,
    `- Deno ${Deno.version.deno} (V8 ${Deno.version.v8}, TypeScript ${Deno.version.typescript}), ${Deno.build.os}/${Deno.build.arch}`,
    `- python3: ${python ?? "not installed"}; R: ${r ?? "not installed"}`,
    `- commit ${commit ?? "?"}, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  );
  return lines;
}

function sizeTable(rows: SizeRow[], reps: (n: number) => number): string {
  const lines = [
    "| n | body | JSON.parse | POST /v1/spikes (server) | ratio | analyzeSpikes alone | parse-only route | spikes ÷ parse-only route | period found (true) |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const server = r.serverMs === null
      ? `– (HTTP ${r.status})`
      : `${r.serverMs.toFixed(2)} ms${r.status !== 200 ? ` (HTTP ${r.status})` : ""}`;
    const ratio = r.serverMs === null ? "–" : `**${(r.serverMs / r.parseMs).toFixed(2)}**`;
    const routeRatio = r.serverMs === null ? "–" : (r.serverMs / r.parseRouteMs).toFixed(2);
    lines.push(
      `| ${r.n.toExponential(0).replace("e+", "e")} | ${(r.bytes / 1e6).toFixed(2)} MB | ${
        r.parseMs.toFixed(2)
      } ms | ${server} | ${ratio} | ${
        r.analyzeMs === null ? "–" : `${r.analyzeMs.toFixed(2)} ms`
      } | ${r.parseRouteMs.toFixed(2)} ms | ${routeRatio} | ${
        r.period ?? "null"
      } (${r.truePeriod}) |`,
    );
  }
  lines.push(
    "",
    `Medians of ${
      [...new Set(rows.map((r) => reps(r.n)))].join("/")
    } runs per size, in one process, after warm-up.`,
  );
  return lines.join("\n");
}

async function main(args: string[]) {
  const quick = args.includes("--quick");
  const log = (s: string) => console.error(s);
  const fixedReps = flag(args, "--reps");
  const reps = (n: number) => Number(fixedReps ?? (quick ? 3 : n >= 1e6 ? 7 : 15));
  const sizes = quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
  log("spikes vs JSON.parse…");
  const rows = await measureSizes(sizes, reps, log);
  let peers: PeerReport | null = null;
  let peerNote = "";
  if (!args.includes("--no-peers")) {
    peers = await runPeers({
      scale: quick ? 0.05 : 0.15,
      peerMaxN: quick ? 1e4 : 1e6,
      sizes: quick ? [1e3, 1e4] : [1e3, 1e4, 1e5, 1e6],
      reps: quick ? 1 : 3,
      peerData: flag(args, "--peer-data"),
      log,
    });
    if (!peers) {
      peerNote =
        "Peers skipped: neither python3 with numpy/scipy nor R with forecast is installed.";
    }
  } else peerNote = "Peers not run (--no-peers).";
  const text = [
    "# Benchmark results",
    "",
    "Written by `deno task bench` (bench/bench.ts); rerun it to refresh. Timings on a shared machine vary by ±30 %: compare ratios within one run, not absolute times across runs.",
    "",
    "## Machine",
    "",
    ...(await machine()),
    "",
    "## POST /v1/spikes against JSON.parse of the same body",
    "",
    "Server time = `app.request()` on routes/app.ts until the answer's text is read (body read, parse, validation, analysis, serialisation; no network). Ratio = server ÷ `JSON.parse` (issue 2: ≤ 3 at n = 1e6). The parse-only route reads and `JSON.parse`s the same body in a bare Hono app.",
    "",
    sizeTable(rows, reps),
    "",
    "## Against the peers",
    "",
    peers ? peerMarkdown(peers) : peerNote,
    "",
  ].join("\n");
  const out = flag(args, "--out") ?? new URL("./RESULTS.md", import.meta.url).pathname;
  // Sections written by other benches (the worst cases and the attack, from KEPT_MARK on; the
  // cold start, by bench/cold_start.ts) are kept.
  const previous = await Deno.readTextFile(out).catch(() => "");
  await Deno.writeTextFile(out, text + keptSections(previous));
  console.log(text);
  log(`written to ${out}`);
}

/** Where the sections bench.ts keeps begin in RESULTS.md. */
const KEPT_MARK = "<!-- kept by bench.ts -->";

/**
 * What bench.ts keeps of the RESULTS.md it rewrites: everything from {@linkcode KEPT_MARK} on,
 * and the cold-start section (bench/cold_start.ts) wherever it stands; "" when there is none.
 */
export function keptSections(previous: string): string {
  const at = previous.indexOf(KEPT_MARK);
  const marked = at >= 0 ? previous.slice(at) : "";
  const cold = section(previous, "## Cold start");
  const kept = [marked, marked.includes(cold) ? "" : cold].filter((part) => part !== "");
  return kept.length > 0 ? `\n${kept.join("\n")}` : "";
}

/**
 * The section of a Markdown text that starts with `heading`, up to the next `## ` or HTML comment
 * line (such as {@linkcode KEPT_MARK}, which stays where it is), or "".
 */
export function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}`);
  if (start < 0) return "";
  const ends = ["\n## ", "\n<!--"].map((end) => markdown.indexOf(end, start + 1))
    .filter((at) => at >= 0);
  const next = ends.length > 0 ? Math.min(...ends) : -1;
  return markdown.slice(start + 1, next < 0 ? undefined : next + 1).trimEnd() + "\n";
}

if (import.meta.main) await main(Deno.args);
