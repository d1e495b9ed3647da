/* What the offline desk keeps on the device (IndexedDB, through idb): the desk's
   token and roster state ("meta"), the roster itself, the queue of scans waiting to
   upload, and who this desk let in today ("seen"). */
import { openDB } from "../../vendor/idb/index.js";

export async function openStore(slug) {
  const db = await openDB("kurultai-desk-" + slug, 1, {
    upgrade(db) {
      db.createObjectStore("meta");
      db.createObjectStore("roster", { keyPath: "id" });
      db.createObjectStore("queue", { keyPath: "nonce" });
      db.createObjectStore("seen", { keyPath: "key" });
    }
  });
  return {
    db,
    get: (key) => db.get("meta", key),
    set: (key, value) => db.put("meta", value, key),
    person: (id) => db.get("roster", id),
    rosterCount: () => db.count("roster"),
    async putRoster(rows, full) {
      const tx = db.transaction("roster", "readwrite");
      if (full) { tx.store.clear(); }
      for (const r of rows) {
        tx.store.put({ id: r[0], v: r[1], s: r[2], n: r[3], o: r[4], d: r[5], c: r[6] });
      }
      await tx.done;
    },
    async wipeRoster() {
      const tx = db.transaction(["roster", "meta", "seen"], "readwrite");
      tx.objectStore("roster").clear();
      tx.objectStore("seen").clear();
      for (const key of ["cursor", "syncedAt", "roster"]) { tx.objectStore("meta").delete(key); }
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
}
