// The door scanner (/scan): camera → answer on the whole screen → ready for the next person.
// Works offline (service worker, IndexedDB, signatures verified on the phone) and always
// shows whether it is online and how many scans wait to be sent.
import { Camera } from "./camera.js";
import { Doorway, ListClosed, Unpaired } from "./doorway.js";
import { Feedback } from "./feedback.js";
import { Store } from "./store.js";
import { looksLikeToken } from "./verdict.js";

const TOKEN_KEY = "almoggar.scanner.token";
const SAME_CODE_MS = 3000; // a code still in view is not scanned again
const UNDO_WINDOW_MS = 5 * 60 * 1000;

const config = JSON.parse(document.getElementById("scanner-config").textContent);
const m = config.messages;
const $ = (id) => document.getElementById(id);
const format = (template, values) =>
  template.replace(/%\((\w+)\)s/g, (_, key) => (key in values ? values[key] : ""));
// 24-hour Paris time in every language, as on the programme (not "10:24 AM" / "10:24 ص").
const clock = new Intl.DateTimeFormat(config.lang, { hour: "2-digit", minute: "2-digit",
  hourCycle: "h23", timeZone: "Europe/Paris" });

const feedback = new Feedback($("scan-result"), m, config.lang);
let doorway = null;
let camera = null;
let busy = false;
let lastText = "";
let lastSeen = 0;
let lastAdmission = null; // {scanId, at} of this phone's last check-in, for undo

function direction() {
  const checked = document.querySelector('input[name="direction"]:checked');
  return checked ? checked.value : "in";
}

function render(state) {
  const status = $("scan-status");
  status.dataset.online = String(state.online);
  $("scan-status-text").textContent = state.online ? m.online : m.offline;
  const waiting = $("scan-waiting");
  waiting.dataset.waiting = String(state.waiting);
  const many = state.waiting === 1 ? m.waiting_one : m.waiting;
  waiting.textContent = state.waiting ? format(many, { n: state.waiting }) : m.waiting_none;
  document.body.dataset.online = String(state.online);
  if (state.door) {
    const { list, device } = state.door.bundle;
    const listName = (list.names && list.names[config.lang]) || list.name;
    $("scan-door").textContent = [device.gate, listName].filter(Boolean).join(" · ");
    $("scan-direction").hidden = !list.allow_reentry;
  }
  $("scan-bundle").textContent = state.bundleAt
    ? format(m.bundle_at, { time: clock.format(new Date(state.bundleAt)) })
    + (state.door && !state.door.canVerify ? ` ${m.no_offline_check}` : "")
    : m.bundle_none;
  if (state.unpaired) unpaired();
}

function unpaired() {
  document.body.dataset.state = "unpaired";
  $("scan-status-text").textContent = m.not_paired;
  $("scan-unpaired").hidden = false;
  $("scan-camera").hidden = true;
  $("scan-find").hidden = true;
  if (camera) camera.stop();
}

function message(text) {
  $("scan-message").textContent = text;
}

async function check(what) {
  if (busy) return;
  busy = true;
  try {
    const answer = await doorway.scan(what, direction());
    const admitted = answer.result === "ok" && answer.direction === "in";
    if (admitted && answer.scan_id && !answer.offline) {
      lastAdmission = { scanId: answer.scan_id, at: Date.now() };
    }
    feedback.show(answer, { undoable: admitted && Boolean(answer.scan_id) && !answer.offline });
  } catch (error) {
    if (error instanceof Unpaired) unpaired();
    else if (error instanceof ListClosed) message(m.list_closed);
    else throw error;
  } finally {
    busy = false;
  }
}

function onCode(text) {
  // While an answer is on its way, a new code is not taken (nor remembered as seen): the
  // camera keeps reading it, and it is checked at the first frame after the answer.
  if (busy) return;
  const now = Date.now();
  if (text === lastText && now - lastSeen < SAME_CODE_MS) {
    lastSeen = now;
    return;
  }
  lastText = text;
  lastSeen = now;
  check({ token: text });
}

function next() {
  feedback.hide();
  lastText = "";
  $("scan-query").focus({ preventScroll: true });
}

async function undo() {
  if (!lastAdmission || Date.now() - lastAdmission.at > UNDO_WINDOW_MS) return;
  const answer = await doorway.undo(lastAdmission.scanId).catch(() => null);
  feedback.hide();
  lastText = "";
  message(answer ? m.undone : m.undo_failed);
  if (answer) lastAdmission = null;
}

async function find(event) {
  event.preventDefault();
  const query = $("scan-query").value.trim();
  if (!query) return;
  if (looksLikeToken(query)) {
    $("scan-query").value = "";
    await check({ token: query });
    return;
  }
  if (query.length < 2) return;
  message(m.searching);
  const list = $("scan-hits");
  list.textContent = "";
  let found;
  try {
    found = await doorway.search(query);
  } catch (error) {
    if (error instanceof Unpaired) unpaired();
    return;
  }
  message(found.hits.length ? (found.offline ? m.search_offline : "") : m.no_results);
  for (const hit of found.hits) list.append(hitItem(hit));
}

// One ticket found: its own name (or that it has none, and who bought it), its state at
// this door, why it was found. Offline hits (from the bundle) carry fewer facts.
function hitItem(hit) {
  const item = $("scan-hit").content.firstElementChild.cloneNode(true);
  const ticket = hit.ticket;
  const words = m.search.words;
  const own = "attendee_name" in hit ? hit.attendee_name : ticket.attendee;
  const name = item.querySelector(".scan-hit-name");
  name.querySelector("bdi").textContent = own || words.no_name;
  name.classList.toggle("scan-hit-unnamed", !own);
  if (!own && hit.buyer_name) {
    const buyer = document.createElement("bdi");
    buyer.textContent = hit.buyer_name;
    const [before, after] = words.bought_by.split("%(name)s");
    item.querySelector(".scan-hit-buyer").append(` (${before}`, buyer, `${after || ""})`);
  }
  const state = hit.state || (hit.checked_in ? "inside" : "not_in");
  item.dataset.state = state;
  item.querySelector(".scan-hit-state").textContent =
    (state === "inside" ? "✓ " : "") + m.search.state[state];
  const meta = item.querySelector(".scan-hit-meta");
  meta.append(ticket.ticket_type || "");
  if (ticket.order_code) {
    const code = document.createElement("bdi");
    code.dir = "ltr";
    code.textContent = ticket.order_code;
    const [before, after] = words.order.split("%(code)s");
    meta.append(" · ", before, code, after || "");
  }
  if (hit.order_size > 1) meta.append(` · ${format(words.order_size, { n: hit.order_size })}`);
  if (hit.matched && hit.matched.length) {
    item.querySelector(".scan-hit-why").textContent = format(words.found_by,
      { fields: hit.matched.map((key) => m.search.match[key]).join(", ") });
  }
  const button = item.querySelector("button");
  button.textContent = state === "inside" ? words.already_inside
    : state === "out" ? words.check_in_again : words.check_in;
  if (state === "inside") button.classList.add("button-secondary");
  button.addEventListener("click", async () => {
    await check({ ticket_id: ticket.id });
    $("scan-hits").textContent = "";
    $("scan-query").value = "";
  });
  return item;
}

function cameraError(code) {
  $("scan-hint").textContent = m[code];
  $("scan-camera").dataset.error = code;
}

// Only where the camera has a torch (most phones' rear cameras; not laptops).
function torchButton() {
  const button = $("scan-torch");
  button.hidden = !camera.hasTorch;
  button.setAttribute("aria-pressed", String(camera.torchOn));
}

function soundButton() {
  const button = $("scan-sound");
  button.textContent = feedback.soundOn ? m.sound_on : m.sound_off;
  button.setAttribute("aria-pressed", String(feedback.soundOn));
}

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register(config.sw, { scope: config.scope });
    await navigator.serviceWorker.ready;
  } catch (error) {
    return; // no offline start, but the page works
  }
  if (navigator.serviceWorker.controller) document.body.dataset.offlineReady = "true";
  else {
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      document.body.dataset.offlineReady = "true";
    });
  }
}

async function main() {
  const unlock = () => feedback.unlockAudio().then(soundButton);
  document.addEventListener("pointerdown", unlock, { passive: true });
  document.addEventListener("keydown", (event) => {
    unlock();
    if (feedback.shown && (event.key === "Escape" || event.key === "Enter")) {
      event.preventDefault();
      next();
    }
  });
  $("scan-sound").addEventListener("click", unlock);
  $("scan-next").addEventListener("click", next);
  $("scan-undo").addEventListener("click", undo);
  $("scan-result").addEventListener("click", (event) => {
    if (event.target === $("scan-result")) next();
  });
  $("scan-find").addEventListener("submit", find);
  registerServiceWorker();

  const token = localStorage.getItem(TOKEN_KEY);
  if (!token) {
    unpaired();
    return;
  }
  const store = await Store.open();
  doorway = new Doorway({ api: config.api, token, store, onChange: render });
  try {
    await doorway.start();
  } catch (error) {
    if (error instanceof Unpaired) {
      unpaired();
      return;
    }
    throw error;
  }
  camera = new Camera($("scan-video"), {
    onText: onCode,
    onError: cameraError,
    onStarted: () => {
      $("scan-hint").textContent = "";
      document.body.dataset.state = "scanning";
      torchButton();
    },
  });
  $("scan-torch").addEventListener("click", async () => {
    const on = await camera.toggleTorch();
    $("scan-torch").setAttribute("aria-pressed", String(on));
  });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      camera.stop();
      $("scan-torch").hidden = true;
    }
    else if (document.body.dataset.state !== "unpaired") camera.start();
  });
  await camera.start();
}

main();
