/**
 * Overview page (Pages/Overview/Index.cshtml): draws the stored-events-per-day chart from the JSON block the page
 * renders (#volume-chart-data: { stepMs, series: [{ key, label, points: [[ms, rows], …] }] }).
 */
import { timeSeriesChart } from '../charts.js';

const canvas = document.getElementById('volume-chart');
const data = document.getElementById('volume-chart-data');
if (canvas && data) {
    const volume = JSON.parse(data.textContent);
    timeSeriesChart(canvas, {
        series: volume.series,
        type: 'bar',
        stacked: true,
        stepMs: volume.stepMs,
        utc: true,
    });
}
