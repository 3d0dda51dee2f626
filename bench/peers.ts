/**
 * The service side by side with the peers in bench/peers/ (issue 6): numpy/scipy ACF argmax
 * (peer_scipy.py), the periodogram and Welch (peer_periodogram.py), R forecast::findfrequency
 * (peer_findfrequency.R). Same files, same scoring as `deno task eval`.
 *
 * - correctness: on a subset of our generated cases and on the peers' own gen_series.py cases,
 *   the share where each finds the true period (within max(log_every, 2 %)) and, on our curves
 *   without a period, the share where each reports one anyway;
 * - time, on the peers' `n{N}_P97_all` files (N = 1e3…1e6): each peer's whole process (start-up,
 *   imports, load, compute) against ours end to end — a POST of the same series to a running
 *   server, and in process (read + JSON.parse + analyzeSpikes).
 *
 * A peer sees only the numbers (it knows neither `steps` nor `log_every`), so its period in
 * points is multiplied by `log_every` to compare in steps. findfrequency's answer 1 means "no
 * period" (its documented convention) and counts as null. Series files go to a temporary
 * directory outside the repository and are removed at the end (`--keep` keeps them).
 * Skips, saying why, when /usr/bin/python3 with numpy/scipy/statsmodels or Rscript with
 * forecast is missing.
 *
 * Usage: deno run -A bench/peers.ts [--quick] [--scale 0.15] [--reps 3] [--max-n 200000]
 *                                   [--peer-data DIR] [--keep] [--no-server]
 */
import { generateCases, requestBody } from "./cases/generate.ts";
import type { Case } from "./cases/types.ts";
import { answerOf } from "./evaluate.ts";
import { type Answer, classifyPeriod, judge } from "./score.ts";
import { type Analyzer, loadLibAnalyzer } from "./spikes_api.ts";

const PEERS_DIR = new URL("./peers/", import.meta.url).pathname;
const REPO = new URL("../", import.meta.url).pathname;
const PYTHON = "/usr/bin/python3";

/** One way of running a peer: how to build its command line from a series' base path. */
interface PeerConfig {
  name: string;
  language: "python" | "r";
  argv: (base: string) => string[];
  /** Run in the timing table. */
  timed: boolean;
}

const PEER_CONFIGS: PeerConfig[] = [
  {
    name: "scipy_acf(json)",
    language: "python",
    timed: true,
    argv: (b) => [PYTHON, `${PEERS_DIR}peer_scipy.py`, `${b}.json`],
  },
  {
    name: "scipy_acf(txt)",
    language: "python",
    timed: true,
    argv: (b) => [PYTHON, `${PEERS_DIR}peer_scipy.py`, `${b}.txt`],
  },
  {
    name: "periodogram_raw",
    language: "python",
    timed: true,
    argv: (b) => [PYTHON, `${PEERS_DIR}peer_periodogram.py`, `${b}.txt`],
  },
  {
    name: "periodogram_resid",
    language: "python",
    timed: true,
    argv: (b) => [PYTHON, `${PEERS_DIR}peer_periodogram.py`, `${b}.txt`, "--input", "resid"],
  },
  {
    name: "welch_raw",
    language: "python",
    timed: true,
    argv: (b) => [PYTHON, `${PEERS_DIR}peer_periodogram.py`, `${b}.txt`, "--method", "welch"],
  },
  {
    name: "findfreq_raw",
    language: "r",
    timed: true,
    argv: (b) => ["Rscript", `${PEERS_DIR}peer_findfrequency.R`, `${b}.txt`, "raw"],
  },
  {
    name: "findfreq_resid",
    language: "r",
    timed: true,
    argv: (b) => ["Rscript", `${PEERS_DIR}peer_findfrequency.R`, `${b}.txt`, "resid"],
  },
];

/** The rows of the correctness table: scipy_acf(txt) answers as scipy_acf(json) does. */
const CORRECTNESS = PEER_CONFIGS.filter((p) => p.name !== "scipy_acf(txt)");

/** What one run of one contender on one series gave. */
export interface Run {
  period: number | null;
  /** Whole process, or for ours the request / read+parse+analyze, in seconds. */
  wall: number;
  /** The peer's own compute time (after load), when it reports one. */
  compute?: number;
  error?: string;
}

async function succeeds(cmd: string, args: string[]): Promise<boolean> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return r.success;
  } catch {
    return false;
  }
}

/** Which peer languages are installed. */
export async function detectPeers(): Promise<{ python: boolean; r: boolean }> {
  const python = await succeeds(PYTHON, ["-c", "import numpy, scipy, statsmodels"]);
  const r = await succeeds("Rscript", ["-e", "suppressPackageStartupMessages(library(forecast))"]);
  return { python, r };
}

async function runProcess(argv: string[]): Promise<Run> {
  const start = performance.now();
  const result = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wall = (performance.now() - start) / 1000;
  const text = new TextDecoder().decode(result.stdout).trim().split("\n").pop() ?? "";
  try {
    const out = JSON.parse(text);
    return {
      period: typeof out.period === "number" ? out.period : null,
      wall,
      compute: out.seconds_compute,
      error: out.error ?? undefined,
    };
  } catch {
    const err = new TextDecoder().decode(result.stderr).trim().split("\n").slice(-2).join(" ");
    return { period: null, wall, error: err.slice(0, 200) || `exit ${result.code}` };
  }
}

/** A peer's answer in steps: points × log_every; findfrequency's 1 means no period. */
function peerPeriod(config: PeerConfig, run: Run, logEvery: number): number | null {
  if (run.period === null || !Number.isFinite(run.period)) return null;
  if (config.name.startsWith("findfreq") && run.period <= 1) return null;
  return run.period * logEvery;
}

/** Writes a case as the peers read it (.json array with null, .txt with nan/inf) and our body. */
async function writeSeries(dir: string, kase: Case): Promise<string> {
  const base = `${dir}/${kase.name}`;
  const json = "[" + kase.loss.map((v) => (Number.isFinite(v) ? String(v) : "null")).join(",") +
    "]";
  const txt =
    kase.loss.map((v) =>
      Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v)
    ).join("\n") + "\n";
  await Deno.writeTextFile(`${base}.json`, json);
  await Deno.writeTextFile(`${base}.txt`, txt);
  await Deno.writeTextFile(`${base}.body.json`, JSON.stringify(requestBody(kase)));
  return base;
}

/** A running server of ours (main.ts) on a free local port. */
export interface Server {
  url: string;
  /** False when /v1/spikes does not exist yet (404). */
  hasSpikes: boolean;
  stop(): Promise<void>;
}

/** Starts `main.ts` on a free port and waits for /healthz; null if it does not come up. */
export async function startServer(): Promise<Server | null> {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "main.ts"],
    cwd: REPO,
    env: { PORT: String(port), HOST: "127.0.0.1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
  };
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      if (res.ok) {
        const spikes = await fetch(`${url}/v1/spikes`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ loss: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }),
        });
        await spikes.body?.cancel();
        return { url, hasSpikes: spikes.status !== 404, stop };
      }
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  return null;
}

const encoder = new TextEncoder();

/** Reads a series file as a request body; a bare JSON array (the peers' files) gets wrapped. */
async function readBody(path: string): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = await Deno.readFile(path);
  if (bytes[0] !== 0x5b) return bytes; // not "["
  const head = encoder.encode('{"loss":');
  const body = new Uint8Array(head.length + bytes.length + 1);
  body.set(head);
  body.set(bytes, head.length);
  body[body.length - 1] = 0x7d; // "}"
  return body;
}

/** Ours through HTTP: read the series file, POST it, read the answer. */
async function runHttp(server: Server, bodyPath: string): Promise<Run & { answer?: Answer }> {
  const start = performance.now();
  const body = await readBody(bodyPath);
  const res = await fetch(`${server.url}/v1/spikes`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const text = await res.text();
  const wall = (performance.now() - start) / 1000;
  if (!res.ok) return { period: null, wall, error: `HTTP ${res.status}: ${text.slice(0, 160)}` };
  const answer = answerOf(JSON.parse(text));
  return { period: answer.period, wall, answer };
}

/** Ours in process: read the series file, JSON.parse it, analyze. */
async function runInProcess(analyze: Analyzer, bodyPath: string): Promise<Run> {
  const start = performance.now();
  const text = await Deno.readTextFile(bodyPath);
  const parsed = JSON.parse(text);
  const body = Array.isArray(parsed) ? { loss: parsed } : parsed;
  const loss = Float64Array.from(body.loss as (number | null)[], (v) => v ?? NaN);
  const options = {
    logEvery: body.log_every,
    stepsPerEpoch: body.steps_per_epoch,
    datasetSize: body.dataset_size,
    batchSize: body.batch_size,
    dropLast: body.drop_last,
    steps: body.steps ? Float64Array.from(body.steps) : undefined,
  };
  try {
    const result = analyze(loss, options);
    return { period: result.periodicity.period, wall: (performance.now() - start) / 1000 };
  } catch (error) {
    return {
      period: null,
      wall: (performance.now() - start) / 1000,
      error: (error as Error).message,
    };
  }
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** A series on disk: `base` + .json/.txt for the peers, `body` for ours, and its truth. */
interface Series {
  base: string;
  body: string;
  kase: Case;
}

/** Correctness counts of one contender on one case set. */
export interface Correct {
  periodic: number;
  periodOk: number;
  aperiodic: number;
  falsePeriods: number;
  /** How the misses went: "2P" → count. */
  misses: Record<string, number>;
  /** The cases missed, with the answer (kept for ours only). */
  missed: string[];
}

/** Everything the peers' comparison measured. */
export interface PeerReport {
  available: { python: boolean; r: boolean };
  ours: { http: boolean; inProcess: boolean; note?: string };
  /** contender → case set ("ours" / "peers") → counts. */
  correctness: Record<string, Record<string, Correct>>;
  /** contender → n → median seconds (and median compute for peers). */
  timing: Record<
    string,
    Record<number, { wall: number; compute?: number; period?: number | null }>
  >;
  sizes: number[];
  reps: number;
  ourCases: number;
  peerCases: number;
}

function tallyInto(
  table: Record<string, Record<string, Correct>>,
  contender: string,
  set: string,
  kase: Case,
  period: number | null,
  error?: string,
) {
  table[contender] ??= {};
  const c = table[contender][set] ??= {
    periodic: 0,
    periodOk: 0,
    aperiodic: 0,
    falsePeriods: 0,
    misses: {},
    missed: [],
  };
  const verdict = judge(kase, { period, error });
  if (kase.truth.period === null) {
    c.aperiodic++;
    if (verdict.falsePeriod) c.falsePeriods++;
    if (verdict.falsePeriod && contender === "lossdoctor") {
      c.missed.push(`${kase.name}: ${period} on a curve without a period`);
    }
  } else {
    c.periodic++;
    if (verdict.periodOk) c.periodOk++;
    else {
      const how = error
        ? "error"
        : classifyPeriod(period, kase.truth.period, kase.options.log_every ?? 1);
      c.misses[how] = (c.misses[how] ?? 0) + 1;
      if (contender === "lossdoctor") {
        c.missed.push(`${kase.name}: ${error ?? period} (${how}), true ${kase.truth.period}`);
      }
    }
  }
}

/** The peers' own cases: runs gen_series.py into `dir` unless they are there already. */
async function peerCases(dir: string, maxN: number): Promise<Series[]> {
  let have = false;
  try {
    have = (await Deno.stat(`${dir}/n1000_P97_clean.meta.json`)).isFile;
  } catch { /* not generated yet */ }
  if (!have) {
    console.error(`generating the peers' cases in ${dir} (gen_series.py, ~1 min, ~600 MB)…`);
    const r = await new Deno.Command(PYTHON, {
      args: [`${PEERS_DIR}gen_series.py`, "--out", dir],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
  }
  const out: Series[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".meta.json")) continue;
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/${entry.name}`));
    if (meta.n > maxN) continue;
    const base = `${dir}/${meta.name}`;
    out.push({
      base,
      body: `${base}.json`,
      kase: {
        name: meta.name,
        kind: `peers-${meta.name.split("_").pop()}`,
        loss: [],
        options: {},
        truth: { period: meta.period, phase: meta.phase, expected_findings: [] },
        meta: {},
      },
    });
  }
  return out.sort((a, b) => a.kase.name.localeCompare(b.kase.name, "en", { numeric: true }));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
}

/** Options of {@linkcode runPeers}. */
export interface PeerOptions {
  /** Share of our generated cases to run the peers on (scale of `generateCases`). */
  scale?: number;
  /** Our cases above this many points are left out of the correctness run. */
  maxN?: number;
  /** Largest peer case in the correctness run. */
  peerMaxN?: number;
  /** Sizes of the timing table. */
  sizes?: number[];
  reps?: number;
  /** Where the peers' gen_series.py cases are (generated when absent). */
  peerData?: string;
  keep?: boolean;
  server?: boolean;
  log?: (line: string) => void;
}

/** Runs the comparison; null when neither python nor R is available. */
export async function runPeers(options: PeerOptions = {}): Promise<PeerReport | null> {
  const log = options.log ?? ((line: string) => console.error(line));
  const available = await detectPeers();
  if (!available.python && !available.r) {
    log(
      "peers skipped: neither /usr/bin/python3 with numpy/scipy/statsmodels nor Rscript with forecast is installed",
    );
    return null;
  }
  const configs = PEER_CONFIGS.filter((c) => available[c.language === "python" ? "python" : "r"]);
  const dir = await Deno.makeTempDir({ prefix: "lossdoctor-peers-" });
  const peerDir = options.peerData ?? `${dir}/peer-cases`;
  const { analyze, reason } = await loadLibAnalyzer();
  const server = options.server === false ? null : await startServer();
  const http = !!server?.hasSpikes;
  const note = [
    analyze ? "" : `in-process: ${reason}`,
    http
      ? ""
      : server
      ? "HTTP: POST /v1/spikes is not there yet (404)"
      : "HTTP: server not started",
  ].filter(Boolean).join("; ");
  const report: PeerReport = {
    available,
    ours: { http, inProcess: !!analyze, note: note || undefined },
    correctness: {},
    timing: {},
    sizes: options.sizes ?? [1e3, 1e4, 1e5, 1e6],
    reps: options.reps ?? 3,
    ourCases: 0,
    peerCases: 0,
  };
  try {
    // Correctness on our cases.
    const ours: Series[] = [];
    for (const kase of generateCases({ scale: options.scale ?? 0.15, special: false })) {
      if (kase.loss.length > (options.maxN ?? 200_000)) continue;
      const base = await writeSeries(dir, kase);
      ours.push({ base, body: `${base}.body.json`, kase: { ...kase, loss: [] } });
    }
    report.ourCases = ours.length;
    const peers = available.python ? await peerCases(peerDir, options.peerMaxN ?? 1e6) : [];
    report.peerCases = peers.length;
    for (const [set, cases] of [["ours", ours], ["peers", peers]] as const) {
      log(
        `correctness on ${cases.length} ${set === "ours" ? "generated" : "gen_series.py"} cases…`,
      );
      const jobs = cases.flatMap((c) =>
        configs.filter((p) => CORRECTNESS.includes(p)).map((p) => ({ c, p }))
      );
      await pool(jobs, 2, async ({ c, p }) => {
        const run = await runProcess(p.argv(c.base));
        const k = c.kase.options.log_every ?? 1;
        tallyInto(
          report.correctness,
          p.name,
          set,
          c.kase,
          peerPeriod(p, run, k),
          run.error && run.period === null ? run.error : undefined,
        );
      });
      for (const c of cases) {
        if (analyze) {
          const run = await runInProcess(analyze, c.body);
          tallyInto(report.correctness, "lossdoctor", set, c.kase, run.period, run.error);
        } else if (http && server) {
          const run = await runHttp(server, c.body);
          tallyInto(report.correctness, "lossdoctor", set, c.kase, run.period, run.error);
        }
      }
    }
    // Timing on the peers' n{N}_P97_all files, one process at a time.
    if (available.python) {
      log(`timing on n{${report.sizes.join(",")}}_P97_all, ${report.reps} reps…`);
      for (const n of report.sizes) {
        const base = `${peerDir}/n${n}_P97_all`;
        try {
          await Deno.stat(`${base}.json`);
        } catch {
          continue;
        }
        const record = (name: string, runs: Run[]) => {
          report.timing[name] ??= {};
          report.timing[name][n] = {
            wall: median(runs.map((r) => r.wall)),
            compute: runs[0].compute === undefined
              ? undefined
              : median(runs.map((r) => r.compute!)),
            period: runs[0].period,
          };
        };
        for (const p of configs.filter((c) => c.timed)) {
          const runs: Run[] = [];
          for (let r = 0; r < report.reps; r++) runs.push(await runProcess(p.argv(base)));
          record(p.name, runs.map((r) => ({ ...r, period: peerPeriod(p, r, 1) })));
        }
        if (http && server) {
          await runHttp(server, `${base}.json`); // warm-up
          const runs: Run[] = [];
          for (let r = 0; r < report.reps; r++) runs.push(await runHttp(server, `${base}.json`));
          record("lossdoctor (HTTP)", runs);
        }
        if (analyze) {
          await runInProcess(analyze, `${base}.json`);
          const runs: Run[] = [];
          for (let r = 0; r < report.reps; r++) {
            runs.push(await runInProcess(analyze, `${base}.json`));
          }
          record("lossdoctor (in-process)", runs);
        }
        log(`  n=${n} done`);
      }
    }
  } finally {
    await server?.stop();
    if (!options.keep) await Deno.remove(dir, { recursive: true });
    else log(`series kept in ${dir}`);
  }
  return report;
}

function pct(hit: number, total: number): string {
  return total ? `${(100 * hit / total).toFixed(0)} % (${hit}/${total})` : "–";
}

/** The comparison as Markdown tables. */
export function peerMarkdown(report: PeerReport): string {
  const lines: string[] = [];
  const order = ["lossdoctor", ...PEER_CONFIGS.map((c) => c.name)];
  const names = Object.keys(report.correctness).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  lines.push(
    `Correctness: period within max(log_every, 2 %) of the truth. "ours" = ${report.ourCases} generated cases (bench/cases, seed 1, n ≤ 2·10^5); "peers" = ${report.peerCases} cases of bench/peers/gen_series.py.`,
    "",
    "| contender | period right (ours, periodic) | period on a curve without one (ours) | period right (peers' cases) | misses on peers' cases |",
    "|---|---|---|---|---|",
  );
  for (const name of names) {
    const o = report.correctness[name].ours;
    const p = report.correctness[name].peers;
    const misses = p
      ? Object.entries(p.misses).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}×${v}`).join(", ")
      : "";
    lines.push(
      `| ${name} | ${o ? pct(o.periodOk, o.periodic) : "–"} | ${
        o ? pct(o.falsePeriods, o.aperiodic) : "–"
      } | ${p ? pct(p.periodOk, p.periodic) : "–"} | ${misses || "–"} |`,
    );
  }
  const timed = Object.keys(report.timing);
  if (timed.length) {
    lines.push(
      "",
      `Time, seconds, median of ${report.reps} runs on the peers' \`n{N}_P97_all\` files (trend + random spikes + 0.5 % NaN/inf). Peers: whole process (interpreter start-up, imports, load, compute; compute alone in parentheses). Ours: HTTP = read the file + POST to a running server + read the answer; in-process = read + JSON.parse + analyzeSpikes. A ✓ marks the right period (97).`,
      "",
      `| contender | ${
        report.sizes.map((n) => `n = ${n.toExponential(0).replace("e+", "e")}`).join(" | ")
      } |`,
      `|---|${report.sizes.map(() => "---").join("|")}|`,
    );
    for (const name of timed) {
      const cells = report.sizes.map((n) => {
        const t = report.timing[name][n];
        if (!t) return "–";
        const ok = t.period !== undefined && t.period !== null && Math.abs(t.period - 97) <= 2
          ? " ✓"
          : "";
        return `${t.wall.toFixed(3)}${
          t.compute !== undefined ? ` (${t.compute.toFixed(3)})` : ""
        }${ok}`;
      });
      lines.push(`| ${name} | ${cells.join(" | ")} |`);
    }
  }
  const ours = report.correctness.lossdoctor;
  const missed = ours ? [...(ours.ours?.missed ?? []), ...(ours.peers?.missed ?? [])] : [];
  if (missed.length) {
    lines.push("", "Our misses in these runs:", "", ...missed.slice(0, 20).map((m) => `- ${m}`));
    if (missed.length > 20) lines.push(`- … and ${missed.length - 20} more`);
  }
  if (report.ours.note) lines.push("", `Ours: ${report.ours.note}.`);
  return lines.join("\n");
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (import.meta.main) {
  const args = Deno.args;
  const quick = args.includes("--quick");
  const report = await runPeers({
    scale: Number(flag(args, "--scale") ?? (quick ? 0.05 : 0.15)),
    maxN: Number(flag(args, "--max-n") ?? 200_000),
    peerMaxN: quick ? 1e4 : 1e6,
    sizes: quick ? [1e3, 1e4] : [1e3, 1e4, 1e5, 1e6],
    reps: Number(flag(args, "--reps") ?? (quick ? 1 : 3)),
    peerData: flag(args, "--peer-data"),
    keep: args.includes("--keep"),
    server: !args.includes("--no-server"),
  });
  if (report) console.log(peerMarkdown(report));
}
