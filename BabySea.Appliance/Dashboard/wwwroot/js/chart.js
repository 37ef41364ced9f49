// A time-series chart drawn by uPlot; redrawn when its data changes.
import { useEffect, useRef } from "../vendor/hooks.mjs";
import uPlot from "../vendor/uplot.mjs";
import { html } from "./ui.js";

const COLOURS = ["#2f6fde", "#d9485f", "#8a8f98", "#e8a33d", "#2a9d6a", "#7b5cd6"];

/** `times` are ISO strings; `series` is [{label, values}]. */
export function Chart({ title, times, series }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    const data = [times.map((t) => Date.parse(t) / 1000), ...series.map((s) => s.values)];
    const plot = new uPlot({
      title,
      width: Math.max(300, el.clientWidth || 600),
      height: 200,
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2 }))],
      axes: [{}, { size: 60 }],
    }, data, el);
    return () => plot.destroy();
  }, [title, times, series]);
  return html`<figure class="chart" ref=${box} aria-label=${title}></figure>`;
}
