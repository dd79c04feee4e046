// The door's link to the server: scans are asked online when the network answers quickly,
// checked on the phone otherwise and kept in IndexedDB until they are sent (each with its
// client scan id, so a scan sent twice counts once). The offline bundle is refreshed with
// its ETag while online.
import { OfflineDoor, importPublicKey } from "./verdict.js";

const ONLINE_TIMEOUT_MS = 900;   // past this, the phone answers by itself: the queue waits
const SYNC_TIMEOUT_MS = 10000;
const SYNC_BATCH = 100;
const SYNC_EVERY_MS = 5000;
const BUNDLE_EVERY_MS = 60000;

export class Unpaired extends Error {}
export class ListClosed extends Error {}

function newScanId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Doorway {
  constructor({ api, token, store, onChange }) {
    this.api = api;
    this.token = token;
    this.store = store;
    this.onChange = onChange;  // called with the state whenever it changes
    this.online = navigator.onLine;
    this.waiting = 0;
    this.door = null;          // OfflineDoor, once a bundle is known
    this.bundleAt = null;
    this.syncing = false;
    this.lastBundle = 0;
  }

  state() {
    return { online: this.online, waiting: this.waiting, bundleAt: this.bundleAt,
      door: this.door };
  }

  changed() {
    this.onChange(this.state());
  }

  setOnline(online) {
    if (this.online !== online) {
      this.online = online;
      this.changed();
    }
  }

  async fetch(path, { method = "GET", body, timeout = ONLINE_TIMEOUT_MS, headers = {} } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    try {
      const response = await fetch(this.api + path, {
        method, signal: controller.signal, cache: "no-store",
        headers: { Authorization: `Bearer ${this.token}`, ...headers,
          ...(body ? { "Content-Type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (response.status === 401) throw new Unpaired();
      return response;
    } finally {
      clearTimeout(timer);
    }
  }

  async start() {
    const saved = await this.store.getMeta("bundle");
    if (saved) await this.useBundle(saved.bundle, saved.at);
    this.waiting = await this.store.countWaiting();
    this.changed();
    await this.refreshBundle();
    setInterval(() => this.tick(), SYNC_EVERY_MS);
    window.addEventListener("online", () => this.tick(true));
    window.addEventListener("offline", () => this.setOnline(false));
  }

  async tick(force = false) {
    try {
      if (this.waiting) await this.sync();
      if (force || !this.online || Date.now() - this.lastBundle > BUNDLE_EVERY_MS) {
        await this.refreshBundle();
      }
    } catch (error) {
      if (error instanceof Unpaired) this.onChange({ ...this.state(), unpaired: true });
    }
  }

  async useBundle(bundle, at) {
    const key = await importPublicKey(bundle.edition.public_key);
    this.door = new OfflineDoor(bundle, key);
    this.bundleAt = at;
  }

  async refreshBundle() {
    this.lastBundle = Date.now();
    const saved = await this.store.getMeta("bundle");
    let response;
    try {
      response = await this.fetch("/bundle", { timeout: SYNC_TIMEOUT_MS,
        headers: saved && saved.etag ? { "If-None-Match": saved.etag } : {} });
    } catch (error) {
      if (error instanceof Unpaired) throw error;
      this.setOnline(false);
      return;
    }
    if (response.status === 304 && saved) {
      saved.at = new Date().toISOString();
      await this.store.setMeta("bundle", saved);
      this.bundleAt = saved.at;
    } else if (response.ok) {
      const bundle = await response.json();
      const at = new Date().toISOString();
      await this.store.setMeta("bundle", { bundle, etag: response.headers.get("ETag"), at });
      await this.useBundle(bundle, at);
    }
    this.setOnline(response.ok || response.status === 304);
    this.changed();
  }

  // One scan: `what` is {token} or {ticket_id}. Returns the answer to show.
  async scan(what, direction) {
    const item = { ...what, direction, scan_id: newScanId(),
      scanned_at: new Date().toISOString() };
    if (this.online && navigator.onLine) {
      try {
        const response = await this.fetch("", { method: "POST", body: item });
        if (response.status === 409) throw new ListClosed();
        if (response.ok) {
          const answer = await response.json();
          this.setOnline(true);
          if (this.door) this.door.learn(answer);
          return answer;
        }
        if (response.status < 500) {
          return { result: "invalid", reason: "", ticket: null, direction };
        }
      } catch (error) {
        if (error instanceof Unpaired || error instanceof ListClosed) throw error;
      }
      this.setOnline(false);
    }
    return this.scanOffline(item);
  }

  async scanOffline(item) {
    if (!this.door) {
      return { result: "invalid", reason: "no_bundle", ticket: null, direction: item.direction,
        offline: true };
    }
    const when = new Date(item.scanned_at);
    const answer = item.token
      ? await this.door.judgeToken(item.token, item.direction, when)
      : this.door.judgeTicket(item.ticket_id, item.direction, when);
    await this.store.queue({ ...item, result: answer.result, auth: this.token });
    this.waiting = await this.store.countWaiting();
    this.changed();
    return answer;
  }

  // Send what waits, oldest first, in batches; each scan answered (or refused as
  // malformed) leaves the queue.
  async sync() {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const items = (await this.store.waiting()).sort((a, b) =>
        a.scanned_at.localeCompare(b.scanned_at));
      for (let start = 0; start < items.length; start += SYNC_BATCH) {
        const batch = items.slice(start, start + SYNC_BATCH);
        const mine = batch.filter((item) => item.auth === this.token);
        const stale = batch.filter((item) => item.auth !== this.token);
        for (const group of [stale, mine]) {
          if (group.length) await this.sendBatch(group);
        }
      }
      this.setOnline(true);
    } catch (error) {
      if (error instanceof Unpaired) throw error;
      this.setOnline(false);
    } finally {
      this.syncing = false;
      this.waiting = await this.store.countWaiting();
      this.changed();
    }
  }

  async sendBatch(group) {
    const scans = group.map(({ auth, ...scan }) => scan);
    const token = this.token;
    this.token = group[0].auth; // scans made before a new pairing go with their own token
    let response;
    try {
      response = await this.fetch("/sync", { method: "POST", body: { scans },
        timeout: SYNC_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof Unpaired && group[0].auth !== token) {
        for (const item of group) await this.store.sent(item.scan_id); // that pairing is gone
        return;
      }
      throw error;
    } finally {
      this.token = token;
    }
    if (!response.ok) throw new Error(`sync refused: ${response.status}`);
    const { results } = await response.json();
    for (const [index, answer] of results.entries()) {
      await this.store.sent(group[index].scan_id);
      if (this.door && answer.result) this.door.learn(answer);
    }
  }

  async undo(scanId) {
    const response = await this.fetch("/undo", { method: "POST", body: { scan_id: scanId },
      timeout: 3000 });
    if (!response.ok) return null;
    const answer = await response.json();
    if (this.door && answer.ticket) this.door.forget(answer.ticket.id);
    return answer;
  }

  async search(query) {
    if (this.online) {
      try {
        const response = await this.fetch(`/search?q=${encodeURIComponent(query)}`,
          { timeout: 3000 });
        if (response.ok) return { hits: (await response.json()).results, offline: false };
      } catch (error) {
        if (error instanceof Unpaired) throw error;
        this.setOnline(false);
      }
    }
    return { hits: this.door ? this.door.search(query) : [], offline: true };
  }
}
