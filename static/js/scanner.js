// The leader's scanner (templates/shifts/scanner.html): camera → BarcodeDetector
// (the vendored zxing-wasm polyfill) → a queue on this phone → POST in batches.
//
// Every scan is written to the queue (localStorage) before it is sent and leaves it
// only when the server has answered, so a scan made offline, or lost to a network
// failure, is sent later with its own event id and its own scan time. Each scan is
// its own storage entry: two scanner tabs never rewrite a shared list, so neither can
// drop the other's scans, and a scan both send is recorded once by its event id.

const config = JSON.parse(document.getElementById("scanner-config").textContent);
const t = config.strings;

const OLD_QUEUE_KEY = "scanner-queue-v1"; // one list of every scan, before each had its own entry
const ITEM_PREFIX = "scanner-scan-v2:";
const BATCH_SIZE = 20;
const SAME_CARD_MS = 5000; // the same card seen again within this is the same scan
const MAX_BACKOFF_MS = 30000;
const FRAME_INTERVAL_MS = 150;
const MAX_FRAME_WIDTH = 640;
const MAX_TOKEN_LENGTH = 100;

const $ = (selector) => document.querySelector(selector);
const resultBox = $("#scan-result");
const resultName = resultBox.querySelector(".scan-name");
const resultMessage = resultBox.querySelector(".scan-message");
const walkInButton = resultBox.querySelector("[data-action=walk-in]");
const walkInRefused = resultBox.querySelector("[data-testid=walk-in-refused]");
const cameraBox = $("#scan-camera");
const video = $("#scan-video");
const canvas = $("#scan-canvas");
const cameraStatus = $("#camera-status");
const cameraToggle = $("#camera-toggle");
const pendingCount = $("#pending-count");
const log = $("#scan-log");
const manualForm = $("#manual-entry");
const manualCode = $("#manual-code");
const rosterFilter = $("#roster-filter");
const rosterButtons = document.querySelectorAll("[data-volunteer]");

// ------------------------------------------------------------------ event ids and the queue

function newEventId() {
  if (window.crypto?.randomUUID) return crypto.randomUUID();
  if (window.crypto?.getRandomValues) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

let sequence = 0;

function parsed(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function store(item) {
  localStorage.setItem(ITEM_PREFIX + item.id, JSON.stringify(item));
}

// The scans waiting, oldest first: scan time, then the order this phone queued them.
function loadQueue() {
  const queue = [];
  for (let index = 0; index < localStorage.length; index += 1) {
    const key = localStorage.key(index);
    if (!key?.startsWith(ITEM_PREFIX)) continue;
    const item = parsed(localStorage.getItem(key));
    if (item?.id && item.url) queue.push(item);
  }
  return queue.sort((a, b) => String(a.at).localeCompare(String(b.at)) || (a.queued || 0) - (b.queued || 0));
}

// Scans an earlier version of this page left in its single list move to their own entries.
function adoptOldQueue() {
  const old = parsed(localStorage.getItem(OLD_QUEUE_KEY));
  if (Array.isArray(old)) {
    old.forEach((item, index) => item?.id && item.url && store({ ...item, queued: index }));
  }
  localStorage.removeItem(OLD_QUEUE_KEY);
}

function showPending() {
  pendingCount.textContent = String(loadQueue().length);
}

// ------------------------------------------------------------------ feedback: screen, vibration, sound

let audio = null;

function unlockAudio() {
  // Browsers start sound only after a tap or key press on the page.
  if (!audio && (window.AudioContext || window.webkitAudioContext)) {
    audio = new (window.AudioContext || window.webkitAudioContext)();
  }
  audio?.resume?.();
}

function beep(ok) {
  if (!audio || audio.state !== "running") return;
  const tones = ok ? [[1046, 0, 0.12]] : [[330, 0, 0.18], [262, 0.24, 0.3]];
  for (const [frequency, start, length] of tones) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = ok ? "sine" : "square";
    oscillator.frequency.value = frequency;
    gain.gain.value = 0.2;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(audio.currentTime + start);
    oscillator.stop(audio.currentTime + start + length);
  }
}

function buzz(ok) {
  navigator.vibrate?.(ok ? 80 : [200, 100, 200]);
}

const entries = new Map(); // event id → its line in the log

function logEntry(item) {
  let entry = entries.get(item.id);
  if (!entry) {
    entry = document.createElement("li");
    entry.dataset.eventId = item.id;
    const time = document.createElement("time");
    time.dateTime = item.at;
    time.textContent = new Date(item.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    entry.append(time, " ", document.createElement("span"));
    log.prepend(entry);
    entries.set(item.id, entry);
    while (log.children.length > 30) log.lastElementChild.remove();
  }
  return entry;
}


function show(item, { name = "", message, state, outcome = "" }) {
  const entry = logEntry(item);
  entry.className = `scan-${state}`;
  entry.dataset.outcome = outcome;
  entry.querySelector("span").textContent = message;
  resultBox.className = `scan-result scan-${state}`;
  resultBox.dataset.outcome = outcome;
  resultName.textContent = name || item.name || "";
  resultMessage.textContent = message;
  // Only a card can be added as a walk-in: the roster's names are on the roster already.
  // The shift's rules (shifts/walk_ins.py) decide by the read's own time: the page may have
  // been open since before check-in opened, or the read queued while offline.
  const offered = outcome === "not_on_roster" && !item.volunteer;
  const refusal = offered ? walkInRefusal(item.at) : null;
  walkInButton.hidden = !offered || Boolean(refusal);
  walkInRefused.hidden = !refusal;
  walkInRefused.textContent = refusal || "";
  walkInButton.onclick = () => {
    walkInButton.hidden = true;
    enqueue({ token: item.token, at: item.at, kind: item.kind, walk_in: true });
  };
}

function walkInRefusal(at) {
  const rules = config.walkIn;
  if (rules.refusal) return rules.refusal;
  const when = Date.parse(at);
  if (when < Date.parse(rules.opensAt)) return rules.notYet;
  if (when > Date.parse(rules.closesAt)) return rules.ended;
  return null;
}

// ------------------------------------------------------------------ reading a card

const lastSeen = new Map(); // token → when it was last seen, ms

function chosenKind() {
  return document.querySelector("input[name=kind]:checked")?.value || null;
}

// A card held in front of the camera is read many times a second, and a name may be
// tapped twice: the same one again within SAME_CARD_MS is one scan.
function seenJustNow(key, now) {
  const seen = lastSeen.get(key);
  lastSeen.set(key, now);
  return seen !== undefined && now - seen < SAME_CARD_MS;
}

function read(rawValue, { typed = false } = {}) {
  const token = rawValue.replace(/\s+/g, "").toUpperCase();
  if (!token) return;
  const now = Date.now();
  if (seenJustNow(token, now)) {
    if (typed) {
      resultMessage.textContent = t.readJustNow;
      resultName.textContent = "";
    }
    return;
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    const item = { id: newEventId(), token: "", at: new Date(now).toISOString() };
    show(item, { message: t.notACard, state: "problem", outcome: "bad_card" });
    beep(false);
    buzz(false);
    return;
  }
  enqueue({ token, at: new Date(now).toISOString(), kind: chosenKind(), walk_in: false });
}

// A person picked from the roster: sent by their number, recorded as marked by the leader.
function pick(volunteer, name) {
  const now = Date.now();
  if (seenJustNow(`#${volunteer}`, now)) {
    resultName.textContent = name;
    resultMessage.textContent = t.readJustNow;
    return;
  }
  enqueue({ volunteer, name, at: new Date(now).toISOString(), kind: chosenKind(), walk_in: false });
}

function enqueue(fields) {
  sequence += 1;
  const item = { id: newEventId(), url: config.scanUrl, queued: Date.now() * 1000 + (sequence % 1000), ...fields };
  // Into the queue first: from here on the scan survives a closed page or a dead network.
  store(item);
  showPending();
  show(item, { message: navigator.onLine ? t.sending : t.queued, state: "pending" });
  flush();
}

// ------------------------------------------------------------------ sending

let sending = false;
let batchSize = BATCH_SIZE;
let failures = 0;
let retryTimer = null;
let askedAgain = false; // "send now" pressed while a batch was on its way: send again right after it

function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.split("=")[1]) : manualForm.elements.csrfmiddlewaretoken.value;
}

function retryLater() {
  failures += 1;
  const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1)) * (0.75 + Math.random() / 2);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(flush, delay);
}

function forget(ids) {
  for (const id of ids) localStorage.removeItem(ITEM_PREFIX + id);
  showPending();
}

async function flush() {
  if (sending) {
    askedAgain = true;
    return;
  }
  sending = true;
  askedAgain = false;
  clearTimeout(retryTimer);
  try {
    for (;;) {
      const queue = loadQueue();
      if (!queue.length) break;
      const url = queue[0].url;
      const batch = queue.filter((item) => item.url === url).slice(0, batchSize);
      let response;
      try {
        response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          redirect: "manual",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({
            events: batch.map(({ id, token, volunteer, at, kind, walk_in }) => ({
              id,
              ...(volunteer ? { volunteer } : { token }),
              at,
              kind: kind || null,
              walk_in,
            })),
          }),
        });
      } catch {
        for (const item of batch) show(item, { message: t.queued, state: "pending" });
        retryLater();
        break;
      }
      if (response.status === 400) {
        // The batch was refused whole. Send one at a time to find the scan at fault,
        // then drop only that one: it would be refused forever.
        if (batch.length > 1) {
          batchSize = 1;
          continue;
        }
        const { error = "" } = await response.json().catch(() => ({}));
        forget(new Set([batch[0].id]));
        show(batch[0], { message: t.refused.replace("%(error)s", error), state: "problem" });
        batchSize = BATCH_SIZE;
        continue;
      }
      if (response.type === "opaqueredirect" || [401, 403, 404].includes(response.status)) {
        // Refused before any scan was looked at: keep them all, say why, try again later.
        const { error = "" } = await response.json().catch(() => ({}));
        resultName.textContent = "";
        resultMessage.textContent = error || (response.status === 404 ? t.unavailable : t.signedOut);
        retryLater();
        break;
      }
      if (!response.ok) {
        retryLater();
        break;
      }
      let results;
      try {
        ({ results } = await response.json());
      } catch {
        retryLater(); // not the scanner's JSON (a proxy's page?): keep the scans, try again
        break;
      }
      forget(new Set(batch.map((item) => item.id)));
      failures = 0;
      const byId = new Map(batch.map((item) => [item.id, item]));
      for (const result of results) {
        const item = byId.get(result.id);
        if (!item) continue;
        show(item, {
          name: result.name,
          message: result.message,
          state: result.ok ? "ok" : "problem",
          outcome: result.outcome,
        });
        beep(result.ok);
        buzz(result.ok);
      }
    }
  } finally {
    sending = false;
    showPending();
  }
  if (askedAgain) flushNow();
}

function flushNow() {
  failures = 0;
  flush();
}

// ------------------------------------------------------------------ the camera

let stream = null;
let detector = null;
let frameTimer = null;

async function loadDetector() {
  if (detector) return detector;
  const { BarcodeDetector, prepareZXingModule } = await import(config.decoderUrl);
  // Before the first BarcodeDetector: the .wasm comes from our own static files, never a CDN.
  prepareZXingModule({
    overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? config.wasmUrl : prefix + path) },
  });
  detector = new BarcodeDetector({ formats: ["qr_code"] });
  return detector;
}

async function startCamera() {
  if (!navigator.mediaDevices?.getUserMedia) {
    cameraStatus.textContent = t.cameraMissing;
    return;
  }
  cameraStatus.textContent = t.cameraStarting;
  try {
    await loadDetector();
  } catch {
    cameraStatus.textContent = t.decoderFailed;
    return;
  }
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (error) {
    cameraStatus.textContent = error?.name === "NotAllowedError" ? t.cameraRefused : t.cameraMissing;
    return;
  }
  video.srcObject = stream;
  cameraBox.hidden = false;
  await video.play().catch(() => {});
  cameraStatus.textContent = t.cameraOn;
  cameraToggle.textContent = t.cameraStop;
  scanFrames();
}

function stopCamera() {
  clearTimeout(frameTimer);
  frameTimer = null;
  stream?.getTracks().forEach((track) => track.stop());
  stream = null;
  video.srcObject = null;
  cameraBox.hidden = true;
  cameraStatus.textContent = t.cameraOff;
  cameraToggle.textContent = t.cameraStart;
}

async function scanFrames() {
  if (!stream) return;
  if (video.readyState >= 2 && video.videoWidth) {
    // Decoding a canvas is faster than decoding the <video> itself.
    const scale = Math.min(1, MAX_FRAME_WIDTH / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d", { willReadFrequently: true }).drawImage(video, 0, 0, canvas.width, canvas.height);
    try {
      for (const code of await detector.detect(canvas)) read(code.rawValue);
    } catch {
      // A frame that cannot be decoded is skipped; the next one may work.
    }
  }
  if (stream) frameTimer = setTimeout(scanFrames, FRAME_INTERVAL_MS);
}

// ------------------------------------------------------------------ offline page shell

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register(config.serviceWorkerUrl, { scope: config.serviceWorkerScope });
    const registration = await navigator.serviceWorker.ready;
    const decoder = new URL(config.decoderUrl, location.href);
    registration.active?.postMessage({
      type: "precache",
      urls: [
        location.pathname,
        ...config.styleUrls,
        import.meta.url,
        decoder.href,
        new URL("./zxing-exported.js", decoder).href,
        config.wasmUrl,
      ],
    });
  } catch {
    // Without the worker the page still scans; it only needs the network to reload.
  }
}

// ------------------------------------------------------------------ wiring

document.addEventListener("pointerdown", unlockAudio);
document.addEventListener("keydown", unlockAudio);
cameraToggle.addEventListener("click", () => (stream ? stopCamera() : startCamera()));
manualForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const code = manualCode.value.trim();
  if (!code) {
    resultName.textContent = "";
    resultMessage.textContent = t.typeCode;
    manualCode.focus();
    return;
  }
  read(code, { typed: true });
  manualCode.value = "";
  manualCode.focus();
});
for (const button of rosterButtons) {
  button.addEventListener("click", () => pick(Number(button.dataset.volunteer), button.dataset.name));
}
rosterFilter?.addEventListener("input", () => {
  const wanted = rosterFilter.value.trim();
  for (const button of rosterButtons) button.parentElement.hidden = !button.dataset.name.includes(wanted);
});
$("#send-now").addEventListener("click", flushNow);
window.addEventListener("online", flushNow);

adoptOldQueue();
showPending();
for (const item of loadQueue()) show(item, { message: t.queued, state: "pending" });
// Another scanner tab queued or sent a scan: keep the waiting count true here too.
window.addEventListener("storage", (event) => {
  if (event.key === null || event.key.startsWith(ITEM_PREFIX)) showPending();
});
flush();
registerServiceWorker();
startCamera();
