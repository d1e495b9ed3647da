/* Talking to the server with the desk's token: the roster (in full, then what changed
   since the cursor) and the upload of queued scans in batches. A scan leaves the queue
   only when the server has answered for it, so an upload cut short is sent again and
   the server, keyed on each scan's nonce, records it once. */
const BATCH = 500;
const PHOTO_BATCH = 100;   // app/checkin/services/desk_photos.py: PHOTO_BATCH

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
  const before = await store.get("roster");
  await store.putRoster(body.rows, body.full, !!body.photos);
  await store.set("roster", { keys: body.keys, days: body.days, timezone: body.timezone,
                              categories: body.categories, delegations: body.delegations, photos: !!body.photos });
  // Photos just allowed: the changes since the cursor do not name everyone, so the next sync is a full one.
  const photosTurnedOn = !body.full && body.photos && !(before && before.photos);
  await store.set("cursor", photosTurnedOn ? null : body.cursor);
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

/* The photos still to download, a few batches a round so that scans never wait long
   behind them (the event allows desk photos; the roster named who has one). */
export async function syncPhotos(store, cfg, desk, rounds = 10) {
  for (let round = 0; round < rounds; round += 1) {
    const ids = await store.wantedPhotos(PHOTO_BATCH);
    if (!ids.length) { return { status: 200 }; }
    const { status, body } = await call(cfg.photos + "?ids=" + ids.map(encodeURIComponent).join(","), desk.token);
    if (status !== 200 || !body) { return { status, body }; }
    await store.putPhotos(ids, body.photos || []);
  }
  return { status: 200 };
}
