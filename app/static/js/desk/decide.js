/* The offline decision, with the server's rules and messages: genuine (Ed25519
   signature of a key of this event), not expired, not replaced, not cancelled,
   approved, a day of the event, not already in at this desk today. The token format
   is app/checkin/signing.py's: K.<key id>.<public id>.<version>.<last day>.<signature>. */
const TOKEN = /^K\.([0-9a-f]{6})\.([A-Za-z0-9_-]{8,24})\.([0-9]{1,6})\.([0-9]{1,6})\.([A-Za-z0-9_-]{86})$/;
const EPOCH = Date.UTC(2000, 0, 1);

export function unb64(text) {
  const plain = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
  return Uint8Array.from(plain, (c) => c.charCodeAt(0));
}

export async function importKeys(keys) {
  const out = new Map();
  for (const k of keys || []) {
    out.set(k.kid, await crypto.subtle.importKey("raw", unb64(k.key), { name: "Ed25519" }, false, ["verify"]));
  }
  return out;
}

export function fill(text, values) {
  return text.replace(/%\((\w+)\)s/g, (_, name) => (name in values ? String(values[name]) : ""));
}

/* Today's date on the event's wall clock, as YYYY-MM-DD. */
export function eventDay(now, zone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(now);
}

function daysSinceEpoch(isoDay) {
  const [y, m, d] = isoDay.split("-").map(Number);
  return Math.round((Date.UTC(y, m - 1, d) - EPOCH) / 86400000);
}

export function looksSigned(text) { return text.startsWith("K."); }
export function looksLikeOldToken(text) { return text.includes(".") && text.length > 24 && !looksSigned(text); }

/* {status, kind, message, person, publicId} for one scanned text; `ctx` holds the keys,
   the roster lookup, what this desk let in today, the day and the messages. */
export async function decide(text, ctx) {
  const m = ctx.messages;
  const match = TOKEN.exec(text.trim());
  if (!match) {
    return { status: "invalid", kind: "forged", message: m.forged };
  }
  const [, kid, publicId, version, lastDay, signature] = match;
  // The device's two reads start with the signature check, not after it: on a phone the
  // waits overlap instead of adding up (a forged code's reads are simply not used).
  const found = Promise.all([ctx.lookup(publicId), ctx.seenAt(publicId, ctx.today)]).catch(() => [null, null]);
  const key = ctx.keys.get(kid);
  const signed = new TextEncoder().encode(text.trim().slice(0, text.trim().lastIndexOf(".")));
  if (!key || !(await crypto.subtle.verify({ name: "Ed25519" }, key, unb64(signature), signed))) {
    return { status: "invalid", kind: "forged", message: m.forged };
  }
  const today = ctx.today;
  if (Number(lastDay) < daysSinceEpoch(today)) {
    return { status: "invalid", kind: "expired", message: m.expired, publicId };
  }
  const [person, seen] = await found;
  if (!person) {
    return { status: "refused", kind: "unknown", message: m.unknown, publicId };
  }
  if (Number(version) !== person.v) {
    return { status: "refused", kind: "replaced", message: m.replaced, person, publicId };
  }
  if (person.s !== "a") {
    return { status: "refused", kind: person.s === "c" ? "cancelled" : "notApproved",
             message: person.s === "c" ? m.cancelled : m.notApproved, person, publicId };
  }
  if (seen) {
    return { status: "already", kind: "already", message: fill(m.already, { time: ctx.formatTime(seen.at) }),
             person, publicId };
  }
  if (!ctx.confirmed && (today < ctx.days[0] || today > ctx.days[1])) {
    return { status: "confirm", kind: "wrongDay", message: fill(m.wrongDay, { today: ctx.formatDay(today) }),
             person, publicId };
  }
  return { status: "admitted", kind: "admitted", message: m.admitted, person, publicId };
}
