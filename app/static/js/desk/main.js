/* The offline desk. Once a check-in officer has made this device a desk (online), it
   keeps the event's roster and the public keys of its badges, checks signed badges on
   the device whether the network is there or not, writes every scan to a queue before
   showing the answer, and uploads the queue whenever the server can be reached. The
   service worker keeps this page and its files, so it opens again without a network.
   Typed codes and name searches still go to the server (js/checkin.js). */
import { openStore } from "./store.js";
import { decide, eventDay, fill, importKeys, looksLikeOldToken, looksSigned } from "./decide.js";
import { syncPhotos, syncRoster, uploadQueue } from "./sync.js";

const cfgNode = document.getElementById("desk-config");
const form = document.getElementById("desk-form");
const card = document.getElementById("desk-offline");
if (cfgNode && form && card) { start(JSON.parse(cfgNode.textContent)); }

async function start(cfg) {
  const m = cfg.messages;
  const $ = (id) => document.getElementById(id);
  const field = $("code");
  const result = $("desk-result");
  const lang = document.documentElement.lang || "en";
  card.hidden = false;
  if (!window.crypto || !crypto.subtle || !window.indexedDB) {
    $("desk-setup-block").hidden = true;
    $("desk-warning").textContent = m.noCrypto;
    return;
  }
  const store = await openStore(cfg.slug);
  let desk = (await store.get("desk")) || null;
  let keys = new Map(), keysJson = "", roster = null, online = navigator.onLine, busy = false;

  const timeFormat = new Intl.DateTimeFormat(lang, { timeZone: cfg.timezone, hour: "2-digit", minute: "2-digit",
                                                    hourCycle: "h23" });
  const dayFormat = new Intl.DateTimeFormat(lang, { timeZone: "UTC", dateStyle: "long" });

  async function loadRoster() {
    roster = (await store.get("roster")) || null;
    const json = JSON.stringify(roster ? roster.keys : []);
    if (json !== keysJson) {
      try { keys = await importKeys(roster ? roster.keys : []); keysJson = json; } catch (e) {
        $("desk-warning").textContent = m.noCrypto;
      }
    }
  }

  // --- The status panel -------------------------------------------------------------
  async function showStatus() {
    $("desk-setup-block").hidden = !!desk;
    $("desk-status").hidden = !desk;
    if (!desk) { return; }
    $("desk-label").textContent = desk.name;
    $("desk-net").textContent = online ? m.online : m.offline;
    $("desk-net").className = "col-6 fw-semibold " + (online ? "text-success" : "text-danger");
    const synced = await store.get("syncedAt");
    $("desk-last-sync").textContent = synced ? timeFormat.format(new Date(synced)) : m.never;
    $("desk-queue").textContent = String(await store.queueLength());
    // The roster is as old as the last answer the server gave it.
    $("desk-roster-age").textContent = synced
      ? fill(m.minutes, { num: Math.max(0, Math.floor((Date.now() - new Date(synced)) / 60000)) }) : m.never;
    $("desk-roster-count").textContent = fill(m.rosterCount, { num: await store.rosterCount() });
    card.dataset.state = online ? "online" : "offline";
  }

  // --- Talking to the server --------------------------------------------------------
  async function wipe(message) {
    await store.wipeRoster();
    roster = null;
    keys = new Map();
    keysJson = "";
    if (message) { $("desk-warning").textContent = message; }
  }

  async function handle(answer) {
    if (answer.status === 401) {
      await store.db.delete("meta", "desk");
      desk = null;
      await wipe(m.tokenLost);
      return false;
    }
    if (answer.body && answer.body.wipe) {
      await wipe(m.revoked);
      return false;
    }
    if (answer.status === 403 || answer.status === 400) {
      $("desk-warning").textContent = (answer.body && answer.body.error) || "";
      return false;
    }
    return answer.status === 200;
  }

  let syncing = null;
  function sync() {
    if (!desk) { return Promise.resolve(); }
    if (!syncing) {
      syncing = (async () => {
        try {
          let ok = await handle(await uploadQueue(store, cfg, desk, () => showStatus()));
          if (ok && desk) {
            ok = await handle(await syncRoster(store, cfg, desk));
            await loadRoster();
          }
          if (ok && desk && roster && roster.photos) {
            ok = await handle(await syncPhotos(store, cfg, desk));
          }
          online = true;
          if (ok) { $("desk-warning").textContent = ""; }
        } catch (e) {
          online = false;     // the network is down: everything stays queued on the device
        } finally {
          syncing = null;
          await showStatus();
        }
      })();
    }
    return syncing;
  }

  // --- Making this device a desk ----------------------------------------------------
  $("desk-setup").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("desk-setup-error");
    error.textContent = "";
    try {
      const response = await fetch(event.target.action, { method: "POST", body: new FormData(event.target),
        credentials: "same-origin", headers: { Accept: "application/json" } });
      const body = await response.json();
      if (response.status !== 201) {
        error.textContent = Object.values(body.errors || {}).flat().join(" ") || m.setupFailed;
        return;
      }
      desk = { id: body.desk, name: body.name, token: body.token };
      await store.set("desk", desk);
      await sync();
    } catch (e) {
      error.textContent = m.setupFailed;
    }
  });

  // --- Scanning -----------------------------------------------------------------------
  function render(answer, text, photo) {
    const box = document.createElement("div");
    box.className = "desk-result desk-" + answer.status;
    box.dataset.status = answer.status;
    box.dataset.kind = answer.kind;
    const alert = document.createElement("div");
    alert.className = "alert fs-5 mb-2 " + ({ admitted: "alert-success", already: "alert-warning",
                                               confirm: "alert-warning" }[answer.status] || "alert-danger");
    alert.setAttribute("role", "alert");
    alert.id = "desk-message";
    alert.textContent = answer.message;
    box.appendChild(alert);
    if (answer.status === "confirm") {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-warning mb-2";
      button.id = "desk-confirm";
      button.textContent = m.anyway;
      button.addEventListener("click", () => scan(text, true));
      box.appendChild(button);
    }
    const p = answer.person;
    if (p) {
      const person = document.createElement("div");
      person.className = "desk-person";
      if (photo) {
        const img = document.createElement("img");
        img.className = "desk-photo img-thumbnail float-end ms-2 mb-2";
        img.id = "desk-photo";
        img.src = "data:image/jpeg;base64," + photo;
        img.alt = fill(m.photoOf, { name: p.n });
        img.width = 90;
        img.height = 120;
        person.appendChild(img);
      }
      const line = (cls, text, id) => {
        const el = document.createElement("p");
        el.className = cls;
        el.textContent = text;
        if (id) { el.id = id; }
        person.appendChild(el);
      };
      line("fs-4 fw-semibold mb-1", p.n, "desk-name");
      if (p.o) { line("mb-1", p.o); }
      const cat = (roster && roster.categories[String(p.c)]) || "";
      const del = (roster && p.d && roster.delegations[String(p.d)]) || "";
      line("mb-2", [cat, del].filter(Boolean).join(" · "));
      if (p.v > 1) {
        const flag = document.createElement("span");
        flag.className = "badge text-bg-info me-1 desk-flag";
        flag.textContent = m.badgeReissued;
        person.appendChild(flag);
      }
      box.appendChild(person);
    }
    result.replaceChildren(box);
  }

  let uploadSoon = null;
  async function scan(text, confirmed) {
    const started = performance.now();
    const now = new Date();
    const today = eventDay(now, cfg.timezone);
    const answer = await decide(text, {
      keys, messages: m, today, confirmed, days: (roster && roster.days) || cfg.days,
      lookup: (id) => store.person(id), seenAt: (id, day) => store.seenAt(id, day),
      formatTime: (iso) => timeFormat.format(new Date(iso)),
      formatDay: (day) => dayFormat.format(new Date(day + "T00:00:00Z"))
    });
    const stamp = now.toISOString();
    const photoRead = answer.person && roster && roster.photos ? store.photo(answer.publicId) : null;
    await store.record({ nonce: crypto.randomUUID(), token: text.trim(), status: answer.status, scanned_at: stamp,
                         desk: desk.id },
                       answer.status === "admitted" ? { key: answer.publicId + "|" + today, at: stamp } : null);
    render(answer, text, photoRead ? await photoRead : null);
    result.dataset.ms = String(performance.now() - started);
    result.dataset.count = String(Number(result.dataset.count || 0) + 1);
    field.value = "";
    field.focus();
    clearTimeout(uploadSoon);
    uploadSoon = setTimeout(sync, 300);
    showStatus();
  }

  // Before js/checkin.js sees the desk's form: signed badges are decided here; without
  // a network, what needs the server says so instead of failing.
  document.addEventListener("submit", async (event) => {
    if (event.target !== form) { return; }
    const text = field.value.trim();
    if (!desk || !text) { return; }
    const local = looksSigned(text) && roster;
    if (!local && (online && navigator.onLine)) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (busy) { return; }
    busy = true;
    try {
      if (local) {
        await scan(text, false);
      } else {
        render({ status: "refused", kind: looksLikeOldToken(text) ? "oldBadge" : "needsNetwork",
                 message: looksLikeOldToken(text) ? m.oldBadge : m.needsNetwork }, text);
        result.dataset.count = String(Number(result.dataset.count || 0) + 1);
        field.value = "";
        field.focus();
      }
    } finally {
      busy = false;
    }
  }, true);

  // Logging out (js/logout-wipe.js) wipes the roster from this device: stop writing it.
  document.addEventListener("kurultai:logout", () => { store.frozen = true; });

  // The camera where the browser has no BarcodeDetector (js/checkin.js uses it where it has).
  const cameraStart = $("camera-start"), video = $("camera");
  if (!("BarcodeDetector" in window) && window.ZXing && navigator.mediaDevices && cameraStart && video) {
    cameraStart.classList.remove("d-none");
    cameraStart.addEventListener("click", () => {
      const reader = new window.ZXing.BrowserQRCodeReader();
      let last = "", lastAt = 0;
      video.classList.remove("d-none");
      cameraStart.classList.add("d-none");
      reader.decodeFromVideoDevice(undefined, video, (read) => {
        const now = Date.now();
        if (read && (read.getText() !== last || now - lastAt > 4000)) {
          last = read.getText();
          lastAt = now;
          field.value = last;
          form.requestSubmit();
        }
      }).catch(() => { cameraStart.disabled = true; });
    });
  }

  // --- The service worker: this page and its files for the next visit without network --
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(cfg.worker, { scope: cfg.scope }).then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const files = [...document.querySelectorAll("link[rel=stylesheet][href], link[rel=icon][href], script[src]")]
          .map((el) => el.getAttribute("href") || el.getAttribute("src"));
        registration.active.postMessage({ type: "keep", page: cfg.scope, files });
      }).catch(() => {});
  }

  window.addEventListener("online", () => { online = true; sync(); });
  window.addEventListener("offline", () => { online = false; showStatus(); });
  await loadRoster();
  await showStatus();
  card.dataset.ready = "1";
  sync();
  setInterval(() => { if (!document.hidden) { sync(); } }, 5000);
}
