/* What the offline desk keeps on the device (IndexedDB, through idb): the desk's
   token and roster state ("meta"), the roster itself, the queue of scans waiting to
   upload, who this desk let in today ("seen"), and where the event allows it the
   delegates' small photos ("photos") with those still to download ("wanted"). */
import { openDB } from "../../vendor/idb/index.js";

// What of "meta" belongs to the roster (wiped with it; js/logout-wipe.js says the same).
const ROSTER_META = ["cursor", "syncedAt", "roster"];

export async function openStore(slug) {
  const db = await openDB("kurultai-desk-" + slug, 2, {
    upgrade(db) {
      // Whatever version the device had (1 had no photos), each store that is missing.
      const stores = { meta: undefined, roster: "id", queue: "nonce", seen: "key", photos: "id", wanted: "id" };
      for (const [name, keyPath] of Object.entries(stores)) {
        if (!db.objectStoreNames.contains(name)) { db.createObjectStore(name, keyPath ? { keyPath } : undefined); }
      }
    }
  });
  const store = {
    db,
    frozen: false,   // logging out: the roster is being wiped, nothing of it is written again
    get: (key) => db.get("meta", key),
    set: (key, value) => (store.frozen && ROSTER_META.includes(key) ? Promise.resolve() : db.put("meta", value, key)),
    person: (id) => db.get("roster", id),
    rosterCount: () => db.count("roster"),
    /* Rows as the server sends them; a photo tag that is new or changed puts the person
       on the "wanted" list, an empty one drops their photo. Without photos (`photos`
       false) every photo on the device goes. */
    async putRoster(rows, full, photos) {
      if (store.frozen) { return; }
      const tx = db.transaction(["roster", "photos", "wanted"], "readwrite");
      const roster = tx.objectStore("roster"), kept = tx.objectStore("photos"), wanted = tx.objectStore("wanted");
      if (full) { roster.clear(); }
      if (!photos) { kept.clear(); wanted.clear(); }
      for (const r of rows) {
        roster.put({ id: r[0], v: r[1], s: r[2], n: r[3], o: r[4], d: r[5], c: r[6] });
        if (!photos) { continue; }
        if (r[7]) { wanted.put({ id: r[0], t: r[7] }); } else { kept.delete(r[0]); wanted.delete(r[0]); }
      }
      await tx.done;
    },
    photo: async (id) => { const p = await db.get("photos", id); return p ? p.j : null; },
    /* Up to `limit` ids whose photo is still to download (those already kept with the
       same tag leave the list on the way). */
    async wantedPhotos(limit) {
      for (;;) {
        const wanted = await db.getAll("wanted", null, limit);
        if (!wanted.length) { return []; }
        const tx = db.transaction(["photos", "wanted"], "readwrite");
        const missing = [];
        for (const w of wanted) {
          const kept = await tx.objectStore("photos").get(w.id);
          if (kept && kept.t === w.t) { tx.objectStore("wanted").delete(w.id); } else { missing.push(w.id); }
        }
        await tx.done;
        if (missing.length) { return missing; }
      }
    },
    /* The photos the server sent for `asked`; an id it sent nothing for has no readable photo. */
    async putPhotos(asked, photos) {
      if (store.frozen) { return; }
      const tx = db.transaction(["photos", "wanted"], "readwrite");
      for (const p of photos) { tx.objectStore("photos").put({ id: p.id, t: p.tag, j: p.jpeg }); }
      for (const id of asked) { tx.objectStore("wanted").delete(id); }
      await tx.done;
    },
    async wipeRoster() {
      const tx = db.transaction(["roster", "meta", "seen", "photos", "wanted"], "readwrite");
      tx.objectStore("roster").clear();
      tx.objectStore("seen").clear();
      tx.objectStore("photos").clear();
      tx.objectStore("wanted").clear();
      for (const key of ROSTER_META) { tx.objectStore("meta").delete(key); }
      await tx.done;
    },
    seenAt: async (id, day) => (await db.get("seen", id + "|" + day)) || null,
    /* The scan is in the queue (and, when admitted, in "seen") before the desk shows its answer.
       Its nonce starts with the desk's running scan number, so the queue (kept in nonce order)
       uploads scans in the order they were made: the server must learn of an admission before
       the "already in" answers that followed it, or a second desk's admission of the same
       person would not be seen as a conflict. */
    async record(scan, seen) {
      const tx = db.transaction(["queue", "seen", "meta"], "readwrite");
      const meta = tx.objectStore("meta");
      const number = ((await meta.get("scanNumber")) || 0) + 1;
      meta.put(number, "scanNumber");
      const queued = { ...scan, nonce: number.toString(36).padStart(10, "0") + "-" + scan.nonce };
      tx.objectStore("queue").put(queued);
      if (seen) { tx.objectStore("seen").put(seen); }
      await tx.done;
      return queued;
    },
    queued: (limit) => db.getAll("queue", null, limit),
    queueLength: () => db.count("queue"),
    async acknowledge(nonces) {
      const tx = db.transaction("queue", "readwrite");
      for (const nonce of nonces) { tx.store.delete(nonce); }
      await tx.done;
    }
  };
  return store;
}
