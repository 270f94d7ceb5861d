// gatescope's service worker: the app opens offline after one visit.
//
// On install it stores the page and every file the page names (the hashed wasm, its JS glue,
// the CSS), the files those scripts name (the on-demand chunks), plus the model-file
// worker's files (fixed names), so even the first visit's files are kept. Afterwards every
// same-origin GET goes to the network first (a new build is picked up at once) and falls
// back to the stored copy offline. Nothing leaves the origin.
const CACHE = 'gatescope-v1';
const WORKER_FILES = [
  './gatescope-formats-worker_loader.js',
  './gatescope-formats-worker.js',
  './gatescope-formats-worker_bg.wasm',
];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const page = await fetch('./', { cache: 'no-cache' });
    const html = await page.clone().text();
    await cache.put('./', page);
    const named = (text) => [...text.matchAll(/(?:href|src)="?(\.\/[^"\s>]+)|['"](\.\/[^'"]+\.(?:js|wasm|css))['"]/g)]
      .map((m) => m[1] || m[2]);
    // Scripts name more files: the app's glue names the chunk loader, which names the
    // on-demand chunks (text mode…), so those open offline too.
    const files = new Set([...named(html), ...WORKER_FILES]);
    const store = async (f) => {
      const response = await fetch(f);
      if (!response.ok) return;
      if (f.endsWith('.js')) {
        const more = named(await response.clone().text()).filter((g) => !files.has(g));
        more.forEach((g) => files.add(g));
        await Promise.all(more.map((g) => store(g).catch(() => {})));
      }
      await cache.put(f, response);
    };
    // One missing file must not stop the rest being stored.
    await Promise.all([...files].map((f) => store(f).catch(() => {})));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    } catch (error) {
      const stored = await cache.match(request, { ignoreSearch: true })
        || (request.mode === 'navigate' ? await cache.match('./') : undefined);
      if (stored) return stored;
      throw error;
    }
  })());
});
