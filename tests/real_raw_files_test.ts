/**
 * The frameworks' own files of the real-log corpus, read as bodies: each original file in
 * `tests/fixtures/real/raw/` must give the series its case's body was typed from (the loss, its
 * steps, the eval loss, and the steps per epoch and logging window the file tells), so that a
 * user who sends the file gets the analysis of the body the case was labelled on.
 */
import { assertEquals } from "@std/assert";
import { parseSeriesBody } from "../lib/parse/mod.ts";

const dir = new URL("./fixtures/real/", import.meta.url);
const raw = new URL("raw/", dir);

interface Case {
  id: string;
  body: {
    loss: (number | string)[];
    steps?: number[];
    steps_per_epoch?: number;
    log_every?: number;
    eval_loss?: { steps: number[]; values: number[] };
  };
}

const toNumber = (v: number | string) => typeof v === "number" ? v : Number(v);

for (const entry of [...Deno.readDirSync(raw)].sort((a, b) => a.name.localeCompare(b.name))) {
  const id = entry.name.slice(0, entry.name.indexOf("."));
  Deno.test(`the original file of ${id} reads as the body its label was written on`, async () => {
    const text = await Deno.readTextFile(new URL(entry.name, raw));
    const kase: Case = JSON.parse(await Deno.readTextFile(new URL(`${id}.json`, dir)));
    const read = parseSeriesBody(text, null);
    assertEquals([...read.loss], kase.body.loss.map(toNumber), "loss");
    if (kase.body.steps) assertEquals([...(read.steps ?? [])], kase.body.steps, "steps");
    assertEquals(read.implied.steps_per_epoch, kase.body.steps_per_epoch, "steps_per_epoch");
    assertEquals(read.implied.log_every, kase.body.log_every, "log_every");
    const evalLoss = read.series.eval_loss;
    assertEquals(
      evalLoss ? { steps: [...evalLoss.steps], values: [...evalLoss.values] } : undefined,
      kase.body.eval_loss,
      "eval_loss",
    );
  });
}
