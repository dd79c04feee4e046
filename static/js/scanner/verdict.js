// Checking a ticket on the phone, with no network: the same rules as the server
// (festival/checkin/rules.py) applied to the door's offline bundle. The token's Ed25519
// signature is verified with WebCrypto and the edition's public key (format in
// festival/ticketing/tokens.py: 100 characters of base64url, payload 11 bytes || signature).

const TOKEN = /^[A-Za-z0-9_-]{100}$/;
const PAID = 0, PENDING_BANK_TRANSFER = 1;

export function looksLikeToken(text) {
  return TOKEN.test(text);
}

export function base64urlDecode(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "===".slice((base64.length + 3) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// The festival day of an instant, as YYYY-MM-DD (festival/editions/days.py, day_of): its
// date in Paris, or the day before while the clock in Paris has not reached the edition's
// cut-off ("HH:MM", in the bundle). tests/checkin/festival_day_cases.json holds its edges.
const PARIS_CLOCK = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});
export function festivalDay(when, cutoff = "05:00") {
  const parts = Object.fromEntries(PARIS_CLOCK.formatToParts(when).map((p) => [p.type, p.value]));
  if (`${parts.hour}:${parts.minute}` >= cutoff) return `${parts.year}-${parts.month}-${parts.day}`;
  const before = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) - 1));
  return before.toISOString().slice(0, 10);
}

export async function importPublicKey(base64url) {
  if (!base64url || !window.crypto || !crypto.subtle) return null;
  try {
    return await crypto.subtle.importKey("raw", base64urlDecode(base64url), { name: "Ed25519" },
      false, ["verify"]);
  } catch (error) {
    return null; // a browser without Ed25519 in WebCrypto cannot check offline
  }
}

export class OfflineDoor {
  constructor(bundle, key) {
    this.bundle = bundle;
    this.key = key;
    this.tickets = new Map(bundle.tickets.map(([id, name, type, payment, code]) =>
      [id, { id, name, type, payment, code: code || "" }]));
    this.types = new Map(bundle.ticket_types.map((t) => [t.id, t]));
    this.revoked = new Set(bundle.revoked);
    this.used = new Set(bundle.used);
    this.listTypes = new Set(bundle.list.ticket_type_ids);
  }

  get canVerify() {
    return this.key !== null;
  }

  // The ticket id a token names, or an "invalid" answer.
  async ticketIdOf(token) {
    if (!looksLikeToken(token)) return { refusal: "bad_length" };
    if (!this.key) return { refusal: "no_key" };
    const bytes = base64urlDecode(token);
    const payload = bytes.slice(0, 11);
    const signature = bytes.slice(11);
    const view = new DataView(payload.buffer);
    if (payload[0] !== 1) return { refusal: "bad_version" };
    const valid = await crypto.subtle.verify({ name: "Ed25519" }, this.key, signature, payload);
    const year = view.getUint16(1);
    if (!valid) return { refusal: year !== this.bundle.edition.year ? "other_edition" : "bad_signature" };
    if (year !== this.bundle.edition.year) return { refusal: "other_edition" };
    return { id: Number(view.getBigUint64(3)) };
  }

  async judgeToken(token, direction, when) {
    const found = await this.ticketIdOf(token);
    if (found.refusal) return this.answer("invalid", found.refusal, null, direction);
    return this.judgeTicket(found.id, direction, when);
  }

  // The verdict on a ticket: the server's rules, in the same order.
  judgeTicket(id, direction, when) {
    const info = this.tickets.get(id);
    const ticket = this.display(id);
    if (this.revoked.has(id)) return this.answer("revoked", "ticket_revoked", ticket, direction);
    if (info && this.listTypes.size && !this.listTypes.has(info.type)) {
      return this.answer("not_on_this_list", "ticket_type", ticket, direction);
    }
    if (direction === "in") {
      const day = festivalDay(when, this.bundle.edition.day_cutoff);
      const listDays = this.bundle.list.days;
      const typeDays = info && this.types.has(info.type) ? this.types.get(info.type).valid_days : [];
      if (listDays.length && !listDays.includes(day)) return this.answer("not_valid_today", "list_day", ticket, direction);
      if (typeDays.length && !typeDays.includes(day)) return this.answer("not_valid_today", "ticket_day", ticket, direction);
      if (!listDays.length && !typeDays.length && !this.bundle.edition.days.includes(day)) {
        return this.answer("not_valid_today", "festival_day", ticket, direction);
      }
      if (info && info.payment !== PAID
          && !(info.payment === PENDING_BANK_TRANSFER && this.bundle.list.admit_unpaid)) {
        const reason = info.payment === PENDING_BANK_TRANSFER ? "pending_bank_transfer" : "pending_payment";
        return this.answer("unpaid", reason, ticket, direction);
      }
      if (this.used.has(id)) return this.answer("already_checked_in", "", ticket, direction);
      this.used.add(id);
      return this.answer("ok", "", ticket, direction);
    }
    const wasInside = this.used.delete(id);
    return this.answer("ok", wasInside ? "" : "not_inside", ticket, direction);
  }

  // A ticket sold after the bundle was made is not in it: its signature proves it is ours.
  display(id) {
    const info = this.tickets.get(id);
    const type = info ? this.types.get(info.type) : null;
    return { id, attendee: info ? info.name : "", ticket_type: type ? type.name : "",
      order_code: info ? info.code : "" };
  }

  answer(result, reason, ticket, direction) {
    return { result, reason, ticket, direction, offline: true };
  }

  learn(answer) {
    const id = answer.ticket && answer.ticket.id;
    if (!id) return;
    if (answer.result === "ok" && answer.direction === "out") this.used.delete(id);
    else if (answer.result === "ok" || answer.result === "already_checked_in") this.used.add(id);
  }

  forget(id) {
    this.used.delete(id);
  }

  // Offline search: names and order codes of the bundle.
  search(query, limit = 20) {
    const needle = query.trim().toLowerCase();
    const code = query.toUpperCase().replace(/[^A-Z0-9]/g, "");
    const hits = [];
    for (const info of this.tickets.values()) {
      if (info.name.toLowerCase().includes(needle) || (code.length >= 4 && info.code === code)) {
        hits.push({ ticket: this.display(info.id), checked_in: this.used.has(info.id) });
        if (hits.length >= limit) break;
      }
    }
    return hits;
  }
}
