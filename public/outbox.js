// Gigforge outbox: gigs a gigger submits on the phone wait here, in IndexedDB, until the
// server has them; photos taken for a gig wait here too, so a reload or a crash keeps them.
//
// One file for the page and the service worker (`importScripts`): the page queues a gig
// and sends it at once when it can; whatever is left is sent when the network returns
// (the page's `online` event, the next page load, or the service worker's Background Sync
// even with no page open). Every queued gig carries the first attempt's exact body and
// idempotency key, so a gig sent twice (two tabs, the page and the worker) is stored
// once by the server: "exactly once" is the server's promise, this file only retries.
//
// Gig items: { key (idempotency key), gig ("jobId.reservationId"), url, envelope (JSON
// text), photos: [{ id, jpeg: Blob, head: Blob|null }], state ("queued" | "refused"),
// message, queuedAt }. Photos store: { id, gig, jpeg, head }.
//
// Progress reaches pages on the BroadcastChannel "gigforge-outbox" as
// { key, gig, state: "sending" | "sent" | "queued" | "refused", status, body }.
(function (scope) {
  'use strict';
  const DATABASE = 'gigforge';
  const GIGS = 'outbox';
  const PHOTOS = 'photos';
  const CHANNEL = 'gigforge-outbox';
  const SYNC_TAG = 'gigforge-outbox';

  let opened = null;
  function database() {
    if (!opened) {
      opened = new Promise((resolve, reject) => {
        const request = indexedDB.open(DATABASE, 1);
        request.onupgradeneeded = () => {
          const db = request.result;
          db.createObjectStore(GIGS, { keyPath: 'key' }).createIndex('gig', 'gig');
          db.createObjectStore(PHOTOS, { keyPath: 'id' }).createIndex('gig', 'gig');
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => { opened = null; reject(request.error); };
      });
    }
    return opened;
  }

  // Runs `work(stores)` in one transaction and resolves with its result once committed.
  async function inTransaction(names, mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode);
      let result;
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('IndexedDB transaction aborted'));
      const stores = names.map((name) => tx.objectStore(name));
      Promise.resolve(work(...stores)).then((value) => { result = value; }, reject);
    });
  }

  const asPromise = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  function announce(message) {
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
    channel.close();
  }

  // --- photos kept for a gig being filled in ---------------------------------------------

  function keepPhoto(gig, id, jpeg, head) {
    return inTransaction([PHOTOS], 'readwrite', (photos) => { photos.put({ id, gig, jpeg, head: head || null }); });
  }

  function photosOf(gig) {
    return inTransaction([PHOTOS], 'readonly', (photos) => asPromise(photos.index('gig').getAll(gig)));
  }

  // --- the queue -----------------------------------------------------------------------------

  // Queues a gig. It replaces what was queued for the same gig: the same key again is the
  // same body by construction, and another key means the gigger changed the answers
  // (after a refusal, say), so the older body must never be sent.
  async function enqueue(item) {
    const queued = Object.assign({}, item, { state: 'queued', message: null, queuedAt: Date.now() });
    await inTransaction([GIGS], 'readwrite', async (gigs) => {
      const earlier = await asPromise(gigs.index('gig').getAllKeys(item.gig));
      earlier.forEach((key) => gigs.delete(key));
      gigs.put(queued);
    });
    announce({ key: item.key, gig: item.gig, state: 'queued' });
    requestSync();
    return queued;
  }

  // The server has the gig (or refused it for good): forget it and its photos.
  function settle(key, gig) {
    return inTransaction([GIGS, PHOTOS], 'readwrite', async (gigs, photos) => {
      gigs.delete(key);
      const ids = await asPromise(photos.index('gig').getAllKeys(gig));
      ids.forEach((id) => photos.delete(id));
    });
  }

  function items() {
    return inTransaction([GIGS], 'readonly', (gigs) => asPromise(gigs.getAll()));
  }

  function itemFor(gig) {
    return inTransaction([GIGS], 'readonly', (gigs) => asPromise(gigs.index('gig').get(gig)));
  }

  function requestSync() {
    if (!('serviceWorker' in (scope.navigator || {}))) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.sync && registration.sync.register(SYNC_TAG))
      .catch(() => { /* no Background Sync: the page's online event and next load send it */ });
  }

  function body(item) {
    const form = new FormData();
    form.append('submission', item.envelope);
    for (const photo of item.photos || []) {
      form.append(photo.id, photo.jpeg, photo.id + '.jpg');
      if (photo.head) form.append(photo.id + '.exif', photo.head, 'original-head');
    }
    return form;
  }

  // Sends one queued gig. Resolves true when it is settled (stored or refused for good),
  // false when it must wait (no network, server trouble, signed out).
  async function sendOne(item) {
    announce({ key: item.key, gig: item.gig, state: 'sending' });
    let response;
    try {
      response = await fetch(item.url, { method: 'POST', body: body(item), credentials: 'same-origin' });
    } catch (offline) {
      announce({ key: item.key, gig: item.gig, state: 'queued', status: 0 });
      return false;
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      await settle(item.key, item.gig);
      announce({ key: item.key, gig: item.gig, state: 'sent', status: response.status, body: text });
      return true;
    }
    // 401: signed out on this phone; 408/429/5xx: try again later. Anything else is the
    // server's final word on this body (answers refused, gig expired): keep it visible.
    const retry = response.status === 401 || response.status === 408 || response.status === 429 ||
      response.status >= 500;
    if (retry) {
      announce({ key: item.key, gig: item.gig, state: 'queued', status: response.status, body: text });
      return false;
    }
    await inTransaction([GIGS], 'readwrite', (gigs) => {
      gigs.put(Object.assign({}, item, { state: 'refused', message: text }));
    });
    announce({ key: item.key, gig: item.gig, state: 'refused', status: response.status, body: text });
    return true;
  }

  // Sends every queued gig, one sender at a time per browser (Web Locks where there are
  // any; the server's idempotency covers the rest). Rejects while gigs remain queued, so
  // Background Sync tries again later.
  async function drainUnlocked() {
    let waiting = 0;
    for (const item of await items()) {
      if (item.state !== 'queued') continue;
      if (!(await sendOne(item))) waiting += 1;
    }
    if (waiting > 0) throw new Error(waiting + ' gig(s) still waiting for the network');
  }

  function drain() {
    const locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request(SYNC_TAG, drainUnlocked) : drainUnlocked();
  }

  scope.gigforgeOutbox = { keepPhoto, photosOf, enqueue, settle, items, itemFor, drain };

  if (typeof window !== 'undefined' && scope === window) {
    const quietly = () => drain().catch(() => {});
    window.addEventListener('online', quietly);
    window.addEventListener('load', quietly);
  }
})(self);
