/**
 * Plots without a drawing dependency: the loss curve as SVG, and its building blocks.
 *
 * @module
 */
export { type LossPlotInput, renderLossPlot } from "./render_loss_plot.ts";
export { thinForPlot } from "./thin.ts";
export { formatTick, linearTicks, logTicks, niceLinearDomain, niceStep } from "./ticks.ts";
export { type Axis, axisFor, finiteExtent, linearAxis, logAxis } from "./axis.ts";
export { escapeXml } from "./escape_xml.ts";
export { wrapText } from "./wrap_text.ts";
