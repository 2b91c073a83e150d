// Rebound's web UI: the little script the pages need, and nothing else.
// Dialogs open from a button (data-open), close from data-close; the
// dashboard draws its charts from the JSON the page carries.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-open]").forEach((button) => {
    const dialog = document.getElementById(button.dataset.open);
    if (!dialog || typeof dialog.showModal !== "function") return;
    button.addEventListener("click", () => dialog.showModal());
    dialog.querySelectorAll("[data-close]").forEach((b) => b.addEventListener("click", () => dialog.close()));
  });
  const data = document.getElementById("chart-data");
  if (data && window.Chart) drawCharts(JSON.parse(data.textContent));
});

const palette = ["#0b57d0", "#a4161a", "#8a5300", "#1b6e2d", "#5a189a", "#00696f", "#b3261e", "#6d5e00", "#3f51b5", "#7d5260"];

function percentAxis() {
  return { beginAtZero: true, ticks: { callback: (v) => (v * 100).toFixed(1) + "%" } };
}

function drawCharts(d) {
  Chart.defaults.animation = false;
  const line = (id, series, asRate) => {
    const el = document.getElementById(id);
    if (!el) return;
    new Chart(el, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: series.map((s, i) => ({ label: s.label, data: asRate ? s.rates : s.counts,
          borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], tension: 0.2 })),
      },
      options: { responsive: true, scales: { y: asRate ? percentAxis() : { beginAtZero: true } } },
    });
  };
  line("chart-type", d.by_type, true);
  line("chart-domain", d.by_domain, true);
  const reason = document.getElementById("chart-reason");
  if (reason) {
    new Chart(reason, {
      type: "bar",
      data: { labels: d.labels, datasets: d.by_reason.map((s, i) => ({ label: s.label, data: s.counts,
        backgroundColor: palette[i % palette.length] })) },
      options: { responsive: true, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
  }
  const share = document.getElementById("chart-share");
  if (share) {
    new Chart(share, {
      type: "doughnut",
      data: { labels: d.share.map((s) => s.label), datasets: [{ data: d.share.map((s) => s.count),
        backgroundColor: d.share.map((_, i) => palette[i % palette.length]) }] },
      options: { responsive: true, aspectRatio: 2 },
    });
  }
}
