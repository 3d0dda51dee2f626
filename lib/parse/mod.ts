/**
 * Body formats of a loss series: JSON (also Python's), CSV exports, one number per line, and the
 * frameworks' own files (trainer_state.json, trainer_log.jsonl, metrics.csv, pasted logs).
 */
export * from "./series_body.ts";
export * from "./python_json.ts";
export * from "./series_values.ts";
export * from "./csv_series.ts";
export * from "./number_lines.ts";
export * from "./json_error_position.ts";
export * from "./optional_series_body.ts";
export * from "./json_scan.ts";
export * from "./extra_series.ts";
export {
  FORMAT_NAMES,
  FRAMEWORK_FORMATS,
  type FrameworkFormat,
  type FrameworkLog,
  type ImpliedOptions,
  type LoggedAs,
} from "./framework_log.ts";
export * from "./framework_body.ts";
export * from "./steps_per_epoch.ts";
