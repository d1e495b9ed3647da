/* The service worker of the check-in desk of {{ event.slug }}: keeps the desk page and
   its files, so that after one visit online the desk opens with the network off.
   Workbox's files are served from this server, never from a CDN. */
importScripts({{ url_for('static', filename='vendor/workbox/workbox-sw.js')|tojson }});
workbox.setConfig({ modulePathPrefix: {{ url_for('static', filename='vendor/workbox/')|tojson }}, debug: false });

const SCOPE = {{ scope|tojson }};
const PAGES = "kurultai-desk-pages";
const FILES = "kurultai-desk-files";
const FILE_LIST = {{ files|tojson }};
// Only whole pages are kept: never a redirect to the login page or an error.
const onlyOk = { cacheWillUpdate: async ({ response }) => (response && response.status === 200 && response.type === "basic" ? response : null) };

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(FILES).then((cache) => cache.addAll(FILE_LIST)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

workbox.routing.registerRoute(
  ({ request, url }) => request.mode === "navigate" && url.origin === self.location.origin && url.pathname === SCOPE,
  new workbox.strategies.NetworkFirst({ cacheName: PAGES, networkTimeoutSeconds: 5, plugins: [onlyOk],
                                        matchOptions: { ignoreSearch: true } }));
workbox.routing.registerRoute(
  ({ request, url }) => request.method === "GET" && url.origin === self.location.origin
    && (url.pathname.startsWith("/static/") || url.pathname.startsWith("/bootstrap/")),
  new workbox.strategies.StaleWhileRevalidate({ cacheName: FILES, plugins: [onlyOk] }));

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep") {
    // The page names its own styles and scripts; the page itself is fetched again with the session.
    event.waitUntil(Promise.all([
      caches.open(FILES).then((cache) => cache.addAll((data.files || []).filter(Boolean))).catch(() => null),
      caches.open(PAGES).then((cache) => fetch(data.page, { credentials: "same-origin" })
        .then((response) => (response.status === 200 && !response.redirected ? cache.put(data.page, response) : null)))
        .catch(() => null)]));
  }
});
