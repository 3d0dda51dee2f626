/** Body formats of a loss series: JSON (also Python's), CSV exports, one number per line. */
export * from "./series_body.ts";
export * from "./python_json.ts";
export * from "./series_values.ts";
export * from "./csv_series.ts";
export * from "./number_lines.ts";
export * from "./json_error_position.ts";
export * from "./optional_series_body.ts";
export * from "./json_scan.ts";
