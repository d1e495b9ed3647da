/* Talking to the server with the desk's token: the roster (in full, then what changed
   since the cursor) and the upload of queued scans in batches. A scan leaves the queue
   only when the server has answered for it, so an upload cut short is sent again and
   the server, keyed on each scan's nonce, records it once. */
const BATCH = 500;

async function call(url, token, options = {}) {
  const response = await fetch(url, {
    ...options, credentials: "omit", cache: "no-store",
    headers: { ...(options.headers || {}), Authorization: "Bearer " + token, Accept: "application/json" }
  });
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  return { status: response.status, body };
}

export async function syncRoster(store, cfg, desk) {
  const cursor = await store.get("cursor");
  const queue = await store.queueLength();
  const url = cfg.roster + "?queue=" + queue + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
  const { status, body } = await call(url, desk.token);
  if (status !== 200) { return { status, body }; }
  await store.putRoster(body.rows, body.full);
  await store.set("roster", { keys: body.keys, days: body.days, timezone: body.timezone,
                              categories: body.categories, delegations: body.delegations });
  await store.set("cursor", body.cursor);
  await store.set("syncedAt", new Date().toISOString());
  return { status, body };
}

export async function uploadQueue(store, cfg, desk, onBatch) {
  for (;;) {
    const scans = await store.queued(BATCH);
    if (!scans.length) { return { status: 200 }; }
    const queue = await store.queueLength();
    const { status, body } = await call(cfg.scans + "?queue=" + queue, desk.token, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sent_at: new Date().toISOString(),
                             scans: scans.map((s) => ({ nonce: s.nonce, token: s.token, status: s.status,
                                                        scanned_at: s.scanned_at })) })
    });
    if (status !== 200 || !body) { return { status, body }; }
    // Every row the server answered (recorded, known already, or refused as malformed) leaves the queue.
    await store.acknowledge(body.results.map((r) => r.nonce).filter(Boolean));
    if (onBatch) { await onBatch(body); }
    if (body.wipe) { return { status, body }; }
  }
}
