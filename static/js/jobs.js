// Progress of background jobs: every element with data-job-status-url is a job whose state
// the page was drawn with (data-job-state). While it is queued or running, ask the server
// once a second how far it got and move the bar; when the state changes, reload the page,
// which then shows the download link, or the reason it failed and a retry button.
const LIVE = new Set(["queued", "running"]);
const INTERVAL_MS = 1000;

function show(element, status) {
  const bar = element.querySelector("progress");
  if (bar && status.total > 0) {
    bar.max = status.total;
    bar.value = status.done;
    bar.textContent = `${status.percent}%`;
  }
  const label = element.querySelector("[data-job-state-label]");
  if (label) label.textContent = status.state_label;
  const count = element.querySelector("[data-job-count]");
  if (count && status.total > 0) count.textContent = `${status.done} / ${status.total}`;
}

async function follow(element) {
  const drawnAs = element.dataset.jobState;
  while (true) {
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    let status;
    try {
      const response = await fetch(element.dataset.jobStatusUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (!response.ok) continue;
      status = await response.json();
    } catch {
      continue; // a weak network: ask again at the next beat
    }
    show(element, status);
    if (status.state !== drawnAs && !(LIVE.has(status.state) && LIVE.has(drawnAs))) {
      window.location.reload();
      return;
    }
  }
}

for (const element of document.querySelectorAll("[data-job-status-url]")) {
  if (LIVE.has(element.dataset.jobState)) follow(element);
}
