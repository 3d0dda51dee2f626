/**
 * Bodies in the frameworks' own formats, typical and hostile, for `bench/parsers.ts` and
 * `deno task attack`.
 *
 * The typical ones are written as each framework writes its file (the layouts of
 * tests/fixtures/frameworks): a Hugging Face `trainer_state.json` (`json.dumps(indent=2,
 * sort_keys=True)`, an evaluation every 1000 steps), a LLaMA-Factory `trainer_log.jsonl`, a
 * Lightning `metrics.csv` (step rows, an epoch-level row and a validation row at each epoch's
 * end), Keras `model.fit` progress lines, torchvision `MetricLogger` lines, nanoGPT `iter` lines
 * with a `step` evaluation every 100 iterations — and, for scale, the same curve as a TensorBoard
 * CSV. The loss is a decaying curve with noise and a spike every 157 steps. The hostile ones are
 * built to be slow for a line reader (see {@linkcode hostileBodies}).
 */

let seed = 1;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

/** A decaying loss with noise and a spike every 157 steps, 4 decimals as loggers print it. */
export function typicalLoss(n: number): number[] {
  seed = 1;
  return Array.from(
    { length: n },
    (_, i) =>
      Number((2 * Math.exp(-i / 2e5) + 0.1 * random() + (i % 157 === 156 ? 3 : 0)).toFixed(4)),
  );
}

/** Steps per epoch of the typical bodies (the spike period). */
const EPOCH = 157;

/** The writer of each format's typical body, and of the CSV it is compared with. */
const WRITERS: Record<string, (loss: number[]) => string> = {
  csv: tensorboardCsv,
  trainer_state: trainerState,
  trainer_log: trainerLog,
  lightning_csv: lightningCsv,
  keras: kerasLog,
  torchvision: torchvisionLog,
  nanogpt: nanoGptLog,
};

/** One typical body per format: `n` training-loss points. */
export function typicalBodies(n: number): Record<string, string> {
  const loss = typicalLoss(n);
  return Object.fromEntries(
    Object.entries(WRITERS).map(([format, write]) => [format, write(loss)]),
  );
}

/** The typical body of one format. */
export function typicalBody(format: string, n: number): string {
  return WRITERS[format](typicalLoss(n));
}

/** TensorBoard's "Download CSV". */
export function tensorboardCsv(loss: number[]): string {
  const rows = ["Wall time,Step,Value"];
  for (let i = 0; i < loss.length; i++) rows.push(`${1.7e9 + i * 0.25},${i},${loss[i]}`);
  return rows.join("\n") + "\n";
}

/** A Hugging Face trainer_state.json, as `Trainer` writes it (indent 2, sorted keys). */
export function trainerState(loss: number[]): string {
  const history: Record<string, number>[] = [];
  for (let i = 0; i < loss.length; i++) {
    const step = i + 1;
    history.push({
      epoch: Number((step / EPOCH).toFixed(2)),
      grad_norm: Number((1 + random()).toFixed(4)),
      learning_rate: 1e-4 * (1 - i / loss.length),
      loss: loss[i],
      step,
    });
    if (step % 1000 === 0) {
      history.push({
        epoch: Number((step / EPOCH).toFixed(2)),
        eval_loss: loss[i] + 0.1,
        eval_runtime: 12.5,
        step,
      });
    }
  }
  return JSON.stringify(
    {
      best_metric: null,
      epoch: loss.length / EPOCH,
      global_step: loss.length,
      log_history: history,
      logging_steps: 1,
      max_steps: loss.length,
    },
    null,
    2,
  );
}

/** A LLaMA-Factory trainer_log.jsonl. */
export function trainerLog(loss: number[]): string {
  const lines: string[] = [];
  for (let i = 0; i < loss.length; i++) {
    const step = i + 1;
    lines.push(JSON.stringify({
      current_steps: step,
      total_steps: loss.length,
      loss: loss[i],
      lr: 1e-4 * (1 - i / loss.length),
      epoch: Number((step / EPOCH).toFixed(2)),
      percentage: Number((100 * step / loss.length).toFixed(2)),
      elapsed_time: "0:01:02",
      remaining_time: "1:02:03",
    }));
  }
  return lines.join("\n") + "\n";
}

/** A Lightning CSVLogger metrics.csv: step rows, then the epoch-level and validation rows. */
export function lightningCsv(loss: number[]): string {
  const rows = ["epoch,step,train_loss_epoch,train_loss_step,val_loss"];
  for (let i = 0; i < loss.length; i++) {
    const epoch = Math.floor(i / EPOCH);
    rows.push(`${epoch},${i},,${loss[i]},`);
    if (i % EPOCH === EPOCH - 1) {
      rows.push(`${epoch},${i},${loss[i]},,`, `${epoch},${i},,,${loss[i] + 0.1}`);
    }
  }
  return rows.join("\n") + "\n";
}

/** Keras `model.fit` output: `Epoch e/E` headers, a progress line per batch. */
export function kerasLog(loss: number[]): string {
  const epochs = Math.ceil(loss.length / EPOCH);
  const lines: string[] = [];
  for (let i = 0; i < loss.length; i++) {
    const epoch = Math.floor(i / EPOCH), done = (i % EPOCH) + 1;
    if (done === 1) lines.push(`Epoch ${epoch + 1}/${epochs}`);
    lines.push(
      done === EPOCH
        ? `${done}/${EPOCH} [==============================] - 3s 19ms/step - loss: ${loss[i]} - ` +
          `accuracy: 0.9120 - val_loss: ${loss[i] + 0.1} - val_accuracy: 0.9000`
        : `${done}/${EPOCH} [=====>........................] - ETA: 2s - loss: ${loss[i]} - ` +
          "accuracy: 0.9120",
    );
  }
  return lines.join("\n") + "\n";
}

/** torchvision MetricLogger lines (`value (global_avg)` meters). */
export function torchvisionLog(loss: number[]): string {
  const lines: string[] = [];
  for (let i = 0; i < loss.length; i++) {
    const epoch = Math.floor(i / EPOCH), index = i % EPOCH;
    lines.push(
      `Epoch: [${epoch}]  [${String(index).padStart(3)}/${EPOCH}]  eta: 0:00:47  lr: 0.100000  ` +
        `img/s: 812.5  loss: ${loss[i]} (${loss[i]})  acc1: 43.7500 (40.1042)  time: 0.1521  ` +
        "data: 0.0012  max mem: 2034",
    );
  }
  return lines.join("\n") + "\n";
}

/** nanoGPT's train.py output: `iter` lines, a `step` evaluation every 100 iterations. */
export function nanoGptLog(loss: number[]): string {
  const lines: string[] = [];
  for (let i = 0; i < loss.length; i++) {
    if (i % 100 === 0) {
      lines.push(
        `step ${i}: train loss ${loss[i]}, val loss ${Number((loss[i] + 0.1).toFixed(4))}`,
      );
    }
    lines.push(`iter ${i}: loss ${loss[i]}, time 27.41ms, mfu 12.34%`);
  }
  return lines.join("\n") + "\n";
}

/** Repeats `unit` until the text has about `bytes` characters. */
export function fill(unit: string, bytes: number): string {
  return unit.repeat(Math.max(1, Math.floor(bytes / unit.length)));
}

/** A hostile body: what it attacks, how it is sent, and the answer the service must give. */
export interface HostileBody {
  name: string;
  type: string;
  /** Built when sent (40 MiB each). */
  body: () => string;
  status: number;
  /** Text the answer must hold. */
  says?: string;
}

/**
 * Hostile bodies of about `bytes` characters (40 MiB at full size), each named by what it
 * attacks:
 * - `lines`: the format's own lines, short, more of them than MAX_SERIES_POINTS allows (the
 *   reader must stop at the limit);
 * - `1 MiB lines`: lines of 1 MiB (a separator search that rescans, a field split that copies);
 * - `backspaces`, `\r and \b runs`: a tty progress bar's separators, 10⁶ in a row;
 * - `slow line`: each reader's worst line — every field name and separator repeated
 *   (`loss: loss: …`, `,|` × 10⁵, `- loss: ` × 10⁵, `[` × 10⁵, `  ` × 10⁵), rows of 10⁵
 *   quoted cells under a header whose loss column is the last, JSON lines nested past the limit;
 * - `log_history`: a trainer_state.json nested 10⁵ deep inside `log_history`, one whose
 *   entries fill the body (1.4·10⁶ at 40 MiB), one of numbers filling it (2·10⁷), and one with
 *   `maxPoints` + 1 loss entries.
 */
export function hostileBodies(bytes: number, maxPoints: number): HostileBody[] {
  const MIB = 1 << 20;
  const kerasSignature = "1/10 [==>...] - ETA: 1s - loss: 0.5";
  const torchSignature = "Epoch: [0]  [ 0/10]  lr: 0.1  loss: 0.5 (0.5)";
  const nanoSignature = "iter 0: loss 4.2, time 30.0ms";
  const lightningHeader = "epoch,step,train_loss_step";
  const trainerLogLine = '{"current_steps": 1, "loss": 2.5, "epoch": 0.1}';
  const entries = (count: number) => {
    const parts: string[] = [];
    for (let i = 0; i < count; i++) parts.push(`{"loss":1.5,"step":${i + 1}}`);
    return parts.join(",");
  };
  const over = { status: 413, says: "MAX_SERIES_POINTS" };
  const text = "text/plain", csv = "text/csv", json = "application/json";
  return [
    {
      name: "nanogpt: lines",
      type: text,
      body: () => linesOf((i) => `iter ${i}: loss 1.5`, bytes),
      ...over,
    },
    {
      name: "keras: lines",
      type: text,
      body: () => linesOf((i) => `${i + 1}/99999999 [=] - loss: 0.5`, bytes),
      ...over,
    },
    {
      name: "torchvision: lines",
      type: text,
      body: () => linesOf((i) => `Epoch: [0]  [${i}/99999999]  loss: 0.5`, bytes),
      ...over,
    },
    {
      name: "lightning_csv: lines",
      type: csv,
      body: () => lightningHeader + "\n" + linesOf((i) => `0,${i},0.5`, bytes),
      ...over,
    },
    {
      name: "trainer_log: lines",
      type: json,
      body: () => linesOf((i) => `{"current_steps":${i + 1},"loss":1.5}`, bytes),
      ...over,
    },
    {
      name: "nanogpt: 1 MiB lines",
      type: text,
      body: () => nanoSignature + "\n" + repeatLine("iter 1: loss 1, ".repeat(MIB / 16), bytes),
      status: 200,
    },
    {
      name: "keras: 1 MiB lines",
      type: text,
      body: () =>
        kerasSignature + "\n" + repeatLine("2/10 [" + "=".repeat(MIB) + "] - loss: 0.4", bytes),
      status: 200,
    },
    {
      name: "torchvision: 1 MiB lines",
      type: text,
      body: () => repeatLine(torchSignature + " ".repeat(MIB), bytes),
      status: 200,
    },
    {
      name: "lightning_csv: 1 MiB lines",
      type: csv,
      body: () => lightningHeader + "\n" + repeatLine("0,1," + "9".repeat(MIB), bytes),
      status: 200,
    },
    {
      name: "trainer_log: 1 MiB lines",
      type: json,
      body: () =>
        trainerLogLine + "\n" +
        repeatLine(`{"current_steps":2,"note":"${"x".repeat(MIB)}"}`, bytes),
      status: 200,
    },
    {
      name: "keras: 10⁶ backspaces between progress lines",
      type: text,
      body: () => kerasSignature + "\n" + repeatLine(kerasSignature + "\b".repeat(1e6), bytes),
      status: 200,
    },
    {
      name: "torchvision: \\r and \\b runs",
      type: text,
      body: () => torchSignature + "\n" + fill("\r\b\r\n\b", bytes),
      status: 200,
    },
    {
      name: "nanogpt: slow line (loss: × 10⁵, ',|' × 10⁵)",
      type: text,
      body: () =>
        nanoSignature + "\n" +
        repeatLine("iter 1: " + "loss: ".repeat(1e5) + ",|".repeat(1e5), bytes),
      status: 200,
    },
    {
      name: "keras: slow line ('- loss: ' × 10⁵)",
      type: text,
      body: () => kerasSignature + "\n" + repeatLine("1/2 [=] " + "- loss: ".repeat(1e5), bytes),
      status: 200,
    },
    {
      name: "torchvision: slow line ('[' × 10⁵, '  ' × 10⁵)",
      type: text,
      body: () =>
        torchSignature + "\n" +
        repeatLine("Epoch: [0]  " + "[".repeat(1e5) + "  ".repeat(1e5) + "loss: (", bytes),
      status: 200,
    },
    {
      name: "lightning_csv: slow line (10⁵ quoted cells, the loss column last)",
      type: csv,
      body: () => {
        const header = "epoch,step," + Array.from({ length: 1e5 }, (_, i) => `m${i},`).join("") +
          "train_loss_step\n";
        return header + repeatLine('"0","1",' + '"",'.repeat(1e5) + '"0.5"', bytes - header.length);
      },
      status: 200,
    },
    {
      name: "trainer_log: slow line (nested 100 deep)",
      type: json,
      body: () =>
        trainerLogLine + "\n" +
        repeatLine('{"current_steps":2,"x":' + "[".repeat(100) + "]".repeat(100) + "}", bytes),
      status: 422,
      says: "line 2",
    },
    {
      name: "trainer_state: log_history nested 10⁵ deep",
      type: json,
      body: () => '{"log_history":' + "[".repeat(1e5) + "]".repeat(1e5) + "}",
      status: 413,
      says: "MAX_JSON_DEPTH",
    },
    {
      name: "trainer_state: log_history of small entries filling the body",
      type: json,
      body: () => '{"log_history":[' + entries(Math.floor(bytes / 29)) + "]}",
      status: 413,
      says: "MAX_JSON_CONTAINERS",
    },
    {
      name: "trainer_state: log_history of one-digit numbers filling the body",
      type: json,
      body: () => '{"log_history":[' + fill("1,", bytes - 20) + "1]}",
      ...over,
    },
    {
      name: "trainer_state: log_history of MAX_SERIES_POINTS + 1 loss entries",
      type: json,
      body: () => '{"log_history":[' + entries(maxPoints + 1) + "]}",
      ...over,
    },
  ];
}

/**
 * The largest typical body of each format within `bytes` characters and `maxPoints` points
 * (at most 10⁶): what a real run's file at the limits looks like.
 */
export function largestTypical(bytes: number, maxPoints: number): HostileBody[] {
  const sample = typicalBodies(10_000);
  return Object.entries(sample).map(([format, small]) => {
    // Steps written with more digits make a larger file's points longer: 10 % to spare.
    const n = Math.min(maxPoints, 1e6, Math.floor(bytes / (small.length / 10_000) * 0.9));
    return {
      name: `${format}: a typical file of ${n} points`,
      type: format.endsWith("csv")
        ? "text/csv"
        : format.startsWith("trainer")
        ? "application/json"
        : "text/plain",
      body: () => typicalBody(format, n),
      status: 200,
    };
  });
}

/** Lines `line(i)` up to about `bytes` characters. */
function linesOf(line: (i: number) => string, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const text = line(i);
    parts.push(text);
    size += text.length + 1;
  }
  return parts.join("\n") + "\n";
}

/** `line` repeated on lines of its own up to about `bytes` characters. */
function repeatLine(line: string, bytes: number): string {
  return (line + "\n").repeat(Math.max(1, Math.floor(bytes / (line.length + 1))));
}
