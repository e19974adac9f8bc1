// Gigforge service worker: keeps the app shell on the phone so the app installs and
// opens on a flaky connection.
// - /pkg/* (hashed WASM, JS, CSS; never change): cache first.
// - icons, manifest, offline page: cache, refreshed in the background.
// - public pages (home, sign-in): network first, cached copy when offline.
// - personal pages and /api: network only, never stored (phones are often shared).
// Gigs submitted offline wait in the outbox (outbox.js, shared with the pages) and are
// sent from here by Background Sync when the network returns, even with no page open.
importScripts('/outbox.js');

const VERSION = 'gigforge-shell-v2';
const PRECACHE = ['/offline.html', '/outbox.js', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png', '/favicon.ico'];
const PUBLIC_PAGES = new Set(['/', '/signin', '/staff/signin']);

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== VERSION).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(VERSION)).put(request, response.clone());
  return response;
}

async function staleWhileRevalidate(request) {
  const cache = await caches.open(VERSION);
  const cached = await cache.match(request);
  const fresh = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  }).catch(() => cached);
  return cached || fresh;
}

async function publicPage(request) {
  const cache = await caches.open(VERSION);
  try {
    const response = await fetch(request);
    // Only pages rendered for nobody in particular are kept.
    if (response.ok && !response.redirected) cache.put(request, response.clone());
    return response;
  } catch (offline) {
    return (await cache.match(request)) || (await cache.match('/offline.html'));
  }
}

async function personalPage(request) {
  try {
    return await fetch(request);
  } catch (offline) {
    return (await caches.match('/offline.html')) || Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return;
  const fileName = url.pathname.split('/').pop();
  if (url.pathname.startsWith('/pkg/') && fileName.split('.').length >= 3) {
    // name.HASH.ext: content-addressed, safe to keep forever.
    event.respondWith(cacheFirst(request));
  } else if (request.mode === 'navigate') {
    event.respondWith(PUBLIC_PAGES.has(url.pathname) ? publicPage(request) : personalPage(request));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(staleWhileRevalidate(request));
  }
});

self.addEventListener('sync', (event) => {
  if (event.tag === 'gigforge-outbox') event.waitUntil(self.gigforgeOutbox.drain());
});
