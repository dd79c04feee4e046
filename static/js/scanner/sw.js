// The scanner's service worker, served as /scan/sw.js (its scope covers /scan) with
// SCANNER = {version, page, pages, assets} written in front of this file by the server:
// every address of the scanner page (`pages`: /scan, /scan/, with any query) is answered
// with the one copy kept under `page`.
// The page is fetched from the network first (fresh rules and language) and from the cache
// when there is none; the scripts, styles and decoder come from the cache of this version.
// The API is never cached here: the page keeps its own offline data in IndexedDB.
/* global SCANNER */
const CACHE = `almoggar-scanner-${SCANNER.version}`;
// The assets' URLs carry their version (?v=…); modules import each other without it.
const ASSET_PATHS = new Set(SCANNER.assets.map((url) => new URL(url, self.location).pathname));

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll([SCANNER.page, ...SCANNER.assets]))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names
      .filter((name) => name.startsWith("almoggar-scanner-") && name !== CACHE)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

async function pageFirstFromNetwork(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(SCANNER.page, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(SCANNER.page);
    if (cached) return cached;
    throw error;
  }
}

async function assetFromCache(request) {
  const cached = await caches.match(request, { cacheName: CACHE, ignoreSearch: true });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && SCANNER.pages.includes(url.pathname)) {
    event.respondWith(pageFirstFromNetwork(request));
  } else if (ASSET_PATHS.has(url.pathname)) {
    event.respondWith(assetFromCache(request));
  }
});
