/**
 * The frameworks' own files under hostile input (issue 12, the parsers' part): each reader stops
 * at MAX_SERIES_POINTS before the rest of the body is read, no regular expression runs on the
 * way, recognition looks at a bounded prefix, a JSON `log_history` too long to be one is refused
 * before it is built, and the error bodies stay under 8 KB. `deno task attack` replays these at
 * 40 MiB against a real server and times them; here they are small, and no clock is read.
 */
import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import {
  parseSeriesBody,
  readFrameworkText,
  SeriesTooLong,
  SNIFF_CHARACTERS,
  splitRow,
} from "../lib/parse/mod.ts";
import { LogLines, TextLines } from "../lib/parse/line_cursor.ts";
import { createApp } from "../routes/app.ts";
import { defaultConfig } from "../routes/config.ts";
import { MAX_PROBLEM_BYTES } from "../routes/problem.ts";

const LIMIT = 1000;
const small = createApp({ ...defaultConfig, maxSeriesPoints: LIMIT });
const lines = (count: number, line: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => line(i)).join("\n") + "\n";

/**
 * Per format: a body with one point more than LIMIT, then what a reader that read on would
 * have to answer differently — a line that is an error, or a later run that would replace the
 * first — and that answer when the reader is not bounded.
 */
const PAST_THE_LIMIT: { format: string; body: string; unbounded: string | number }[] = [
  {
    format: "trainer_log",
    body: lines(LIMIT + 1, (i) => `{"current_steps": ${i + 1}, "loss": 1.5}`) + "not JSON\n",
    unbounded: `line ${LIMIT + 2} of the trainer_log.jsonl`,
  },
  {
    format: "trainer_state",
    body: JSON.stringify({
      log_history: [
        ...Array.from({ length: LIMIT + 1 }, (_, i) => ({ loss: 1.5, step: i + 1 })),
        "not an entry",
      ],
    }),
    unbounded: `/log_history/${LIMIT + 1}: expected an object`,
  },
  {
    format: "lightning_csv",
    body: "epoch,step,train_loss_step\n" + lines(LIMIT + 1, (i) => `0,${i},1.5`) + "0,x,1.5\n",
    unbounded: 'column "step", found "x"',
  },
  {
    format: "keras",
    body: "Epoch 1/2\n" + lines(LIMIT + 1, (i) => `${i + 1}/99999 [=>..] - loss: 0.5`) +
      "Epoch 1/2\n1/99999 [=>..] - loss: 0.4\n",
    unbounded: 1, // a paste of two runs keeps the last, of one point
  },
  {
    format: "torchvision",
    body: lines(LIMIT + 1, (i) => `Epoch: [0]  [${i}/99999]  loss: 0.5 (0.5)`) +
      "Epoch: [0]  [0/99999]  loss: 0.4 (0.4)\n",
    unbounded: 1, // the counter went back: a new run, of one point
  },
  {
    format: "nanogpt",
    body: lines(LIMIT + 1, (i) => `step ${i}/99999 | train loss 1.5 | lr 1e-4`) +
      "iter 0: loss 1.4, time 30ms\n",
    unbounded: 1, // an iter line makes the step lines evaluations: one training point
  },
];

for (const { format, body, unbounded } of PAST_THE_LIMIT) {
  Deno.test(`a ${format} one point past the limit stops at it, before the rest is read`, () => {
    const error = assertThrows(
      () => parseSeriesBody(body, null, undefined, LIMIT),
      SeriesTooLong,
    ) as SeriesTooLong;
    assertEquals([error.limit, error.found], [LIMIT, undefined]);
    assertStringIncludes(error.series, "training loss of this");
    // The same body read to its end answers otherwise: the reader above did not get there.
    if (typeof unbounded === "number") {
      const read = parseSeriesBody(body, null);
      assertEquals([read.format, read.loss.length], [format, unbounded]);
    } else {
      const thrown = assertThrows(() => parseSeriesBody(body, null), TypeError);
      assertStringIncludes(thrown.message, unbounded);
    }
  });
}

Deno.test("the service answers a framework file past the limit 413 naming MAX_SERIES_POINTS, under 8 KB", async () => {
  for (const { format, body } of PAST_THE_LIMIT) {
    const res = await small.request("/v1/spikes", { method: "POST", body });
    const text = await res.text();
    assert(new TextEncoder().encode(text).length <= MAX_PROBLEM_BYTES, format);
    const problem = JSON.parse(text);
    assertEquals([res.status, problem.limit, problem.value], [413, "MAX_SERIES_POINTS", LIMIT]);
    assertStringIncludes(problem.detail, `more than MAX_SERIES_POINTS = ${LIMIT} points`);
  }
});

Deno.test("a log_file past the limit stops there in JSON bodies and in the MCP tools", async () => {
  const log_file = PAST_THE_LIMIT.find((c) => c.format === "nanogpt")!.body;
  const res = await small.request("/v1/spikes", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ log_file }),
  });
  assertEquals([res.status, (await res.json()).limit], [413, "MAX_SERIES_POINTS"]);
  const call = await small.request("/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "analyze_loss_spikes", arguments: { log_file } },
    }),
  });
  const { result } = await call.json();
  assert(result.isError);
  assertStringIncludes(result.content[0].text, `more than MAX_SERIES_POINTS = ${LIMIT}`);
});

Deno.test("a log_history longer than any series or body of objects is refused before it is built", async () => {
  // 2²⁰ + 1 numbers: the scan refuses the array (its message), the reader never sees an entry
  // (it would have said "/log_history/0: expected an object").
  const body = '{"log_history":[' + "1,".repeat(1 << 20) + "1]}";
  const res = await createApp().request("/v1/spikes", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const problem = await res.json();
  assertEquals([res.status, problem.limit], [413, "MAX_SERIES_POINTS"]);
  assertStringIncludes(problem.detail, `an array of the JSON holds more than ${1 << 20} elements`);
});

/** Counts every use of a regular expression while `f` runs (each method of RegExp.prototype). */
function regexUses(f: () => unknown): number {
  const proto = RegExp.prototype as unknown as Record<PropertyKey, unknown>;
  const keys: PropertyKey[] = [
    "exec",
    "test",
    Symbol.split,
    Symbol.replace,
    Symbol.search,
    Symbol.match,
    Symbol.matchAll,
  ];
  const saved = keys.map((key) => proto[key]);
  let uses = 0;
  keys.forEach((key, i) => {
    const original = saved[i] as (...args: unknown[]) => unknown;
    proto[key] = function (this: RegExp, ...args: unknown[]) {
      uses++;
      return original.apply(this, args);
    };
  });
  try {
    f();
  } catch {
    // the errors are the point of some bodies; only the count matters here
  } finally {
    keys.forEach((key, i) => proto[key] = saved[i]);
  }
  return uses;
}

Deno.test("no regular expression runs while a framework file is recognised and read", async () => {
  const dirs = ["./fixtures/frameworks/", "./fixtures/real/raw/"];
  const files: string[] = [];
  for (const dir of dirs) {
    for (const entry of Deno.readDirSync(new URL(dir, import.meta.url))) {
      if (!entry.name.endsWith(".md")) {
        files.push(await Deno.readTextFile(new URL(dir + entry.name, import.meta.url)));
      }
    }
  }
  const hostile = [
    "iter 0: loss 4.2\n" + "iter 1: " + "loss: ".repeat(1000) + ",|".repeat(1000) + "\n",
    "1/10 [=>..] - loss: 0.5\n" + ("1/10 [=>..] - loss: 0.5" + "\b".repeat(10_000)).repeat(3),
    "Epoch: [0]  [0/9]  loss: 0.5 (0.5)\n" + "\r\b\r\n\b".repeat(10_000),
    "epoch,step,train_loss_step\n" + '"0","1",' + '"",'.repeat(1000) + "\n",
  ];
  for (const body of [...files, ...hostile, ...PAST_THE_LIMIT.map((c) => c.body)]) {
    assertEquals(regexUses(() => parseSeriesBody(body, null, undefined, LIMIT)), 0);
  }
  // The counter sees a regular expression where one runs (a plain CSV's header is sniffed).
  assert(regexUses(() => parseSeriesBody("step,loss\n0,2.5\n", null)) > 0);
});

Deno.test("a log is recognised from its first SNIFF_CHARACTERS only", () => {
  const log = "iter 0: loss 4.2, time 30ms\niter 10: loss 3.9, time 30ms\n";
  const banner = (size: number) => "warning: something\n".repeat(Math.ceil(size / 19));
  assertEquals(readFrameworkText(banner(SNIFF_CHARACTERS / 2) + log)?.format, "nanogpt");
  assertEquals(readFrameworkText(banner(SNIFF_CHARACTERS) + log), null);
});

Deno.test("LogLines splits at any run of \\n, \\r and backspaces, and hands out no empty line", () => {
  const read = (text: string) => {
    const cursor = new LogLines(text), out: string[] = [];
    for (let line = cursor.next(); line !== null; line = cursor.next()) out.push(line);
    return out;
  };
  assertEquals(read("\r\n\ba\r\nb\b\b\bc\rd\n\n"), ["a", "b", "c", "d"]);
  assertEquals(read("\b".repeat(100_000)), []);
  assertEquals(read("a" + "\b".repeat(100_000) + "b"), ["a", "b"]);
  assertEquals(read(""), []);
});

Deno.test("TextLines numbers every line, blank ones too, without the byte-order mark or \\r", () => {
  const cursor = new TextLines("\uFEFFa\r\n\nb");
  const out: [string, number][] = [];
  for (let line = cursor.next(); line !== null; line = cursor.next()) {
    out.push([line, cursor.number]);
  }
  assertEquals(out, [["a", 1], ["", 2], ["b", 3]]);
});

Deno.test("splitRow reads only the cells asked for, quoted or not", () => {
  assertEquals(splitRow('a,"b,c",d', 2), ["a", "b,c"]);
  assertEquals(splitRow("a,b,c,d", 3), ["a", "b", "c"]);
  assertEquals(splitRow('"x""y",z'), ['x"y', "z"]);
  assertEquals(splitRow('"' + "q".repeat(1 << 20) + '",1', 2)[1], "1");
});
