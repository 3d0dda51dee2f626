/**
 * The merge rules of lib/diagnose on hand-made findings: what merges (across checks, same problem),
 * what does not (one check's own findings), and how remedies lose their repeats but no change.
 */
import { assertEquals } from "@std/assert";
import { mergeFindings, mergeRemedies, remedyFixes } from "../lib/diagnose/mod.ts";
import type { Finding } from "../lib/findings/mod.ts";

const finding = (over: Partial<Finding> & Pick<Finding, "id">): Finding => ({
  severity: "warning",
  title: `title of ${over.id}`,
  evidence: `evidence of ${over.id}.`,
  remedies: [],
  ...over,
});

Deno.test("findings of one problem from two checks merge: the measured id, the worst severity, both evidences", () => {
  const merged = mergeFindings([
    { check: "spikes", finding: finding({ id: "last-batch-spike", remedies: ["clip"] }) },
    {
      check: "last_batch",
      finding: finding({
        id: "batch-size-dependent-loss",
        severity: "critical",
        remedies: ["fix"],
      }),
    },
    { check: "last_batch", finding: finding({ id: "partial-last-batch", severity: "info" }) },
  ]);
  assertEquals(merged.length, 1);
  const [one] = merged;
  assertEquals(one.id, "last-batch-spike");
  assertEquals(one.title, "title of last-batch-spike");
  assertEquals(one.severity, "critical");
  assertEquals(one.checks, ["spikes", "last_batch"]);
  assertEquals(one.merged_ids, [
    "last-batch-spike",
    "batch-size-dependent-loss",
    "partial-last-batch",
  ]);
  assertEquals(
    one.evidence,
    "Measured in the loss curve: evidence of last-batch-spike. Predicted from the configuration: " +
      "evidence of batch-size-dependent-loss. evidence of partial-last-batch.",
  );
  // The configuration's remedies first.
  assertEquals(one.remedies, ["fix", "clip"]);
});

Deno.test("one check's findings stay apart, and the result is ranked by severity, stably", () => {
  const merged = mergeFindings([
    { check: "last_batch", finding: finding({ id: "partial-last-batch", severity: "info" }) },
    {
      check: "last_batch",
      finding: finding({ id: "batch-size-dependent-loss", severity: "critical" }),
    },
    { check: "spikes", finding: finding({ id: "rising-loss", severity: "warning" }) },
    { check: "contrastive", finding: finding({ id: "norm-growth", severity: "warning" }) },
  ]);
  assertEquals(merged.map((f) => f.id), [
    "batch-size-dependent-loss",
    "rising-loss",
    "norm-growth",
    "partial-last-batch",
  ]);
  for (const f of merged) assertEquals(f.merged_ids, [f.id]);
});

Deno.test("an 'Or:' alternative that the configuration confirms loses its 'Or:'", () => {
  const [one] = mergeFindings([
    {
      check: "spikes",
      finding: finding({
        id: "last-batch-spike",
        severity: "info",
        title: "Or: the loss spikes at the last, partial batch of every epoch",
      }),
    },
    { check: "last_batch", finding: finding({ id: "partial-last-batch", severity: "critical" }) },
  ]);
  assertEquals(one.title, "The loss spikes at the last, partial batch of every epoch");
  assertEquals(one.severity, "critical");
});

Deno.test("remedies: exact and contained repeats go, a longer one takes the shorter one's place", () => {
  assertEquals(
    mergeRemedies([
      { source: "a", remedies: ["Keras: multiply back.", "Use  fp32."] },
      { source: "b", remedies: ["Use fp32.", "Best, do X. Keras: multiply back.", "New idea."] },
    ]),
    ["Best, do X. Keras: multiply back.", "Use  fp32.", "New idea."],
  );
});

Deno.test("remedies: a change already asked for by another source goes; a source's own variants stay", () => {
  const pytorch = "PyTorch: `DataLoader(ds, batch_size=32, drop_last=True)`.";
  const keras = "Keras: `dataset.batch(32, drop_remainder=True)`.";
  const generic = "`DataLoader(..., drop_last=True)` or `dataset.batch(B, drop_remainder=True)`.";
  const trainer =
    "`TrainingArguments(dataloader_drop_last=True)` and `DataLoader(drop_last=True)`.";
  const clip = "Clip: `torch.nn.utils.clip_grad_norm_(params, 1.0)`.";
  assertEquals(
    mergeRemedies([
      { source: "config", remedies: [pytorch, keras] },
      { source: "spikes", remedies: [generic, trainer, clip] },
    ]),
    // The generic one asks for nothing new; the trainer's flag and clipping are new changes.
    [pytorch, keras, trainer, clip],
  );
  // Within one source, framework variants of one change are all kept.
  assertEquals(mergeRemedies([{ source: "config", remedies: [pytorch, generic] }]), [
    pytorch,
    generic,
  ]);
});

Deno.test("remedyFixes recognises the code a remedy asks for, not look-alikes", () => {
  assertEquals([...remedyFixes("`DataLoader(..., drop_last=True)`")], ["drop-last"]);
  assertEquals([...remedyFixes("keep drop_last=False")], []);
  assertEquals([...remedyFixes("`sampler_drop_last=True`")], []);
  assertEquals([...remedyFixes("Keras: `clipnorm=1.0`")], ["clip-grad-norm"]);
  assertEquals([...remedyFixes("Make the loss independent of the batch size.")], [
    "batch-free-loss",
  ]);
});
