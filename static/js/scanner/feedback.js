// The answer, unmistakable: the whole screen green, orange or red, with an icon and words
// (colour is never the only signal), the person's name and ticket type, a beep (WebAudio,
// no sound file) and a vibration. The camera keeps scanning underneath: the next person's
// code replaces the answer at once.
const ICONS = { ok: "✓", warn: "!", stop: "✕" };
const SHOW_MS = { ok: 2500, warn: 5000, stop: 5000 };
const BEEPS = { ok: [[880, 0.12]], warn: [[587, 0.14], [587, 0.14]], stop: [[220, 0.5]] };
const VIBRATIONS = { ok: [80], warn: [150, 80, 150], stop: [450] };

export class Feedback {
  constructor(root, messages, lang) {
    this.root = root;
    this.messages = messages;
    this.time = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit",
      hourCycle: "h23", timeZone: "Europe/Paris" });
    this.parts = {};
    for (const name of ["icon", "title", "name", "type", "detail", "offline"]) {
      this.parts[name] = document.getElementById(`scan-result-${name}`);
    }
    this.undoButton = document.getElementById("scan-undo");
    this.timer = null;
    this.audio = null;
  }

  text(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => (key in values ? values[key] : ""));
  }

  // `answer`: {result, reason, ticket, direction, first_scan?, offline?, scan_id?}
  show(answer, { undoable = false } = {}) {
    const m = this.messages;
    const tone = m.tones[answer.result] || "stop";
    const ticket = answer.ticket || null;
    this.root.dataset.result = answer.result;
    this.root.dataset.tone = tone;
    this.parts.icon.textContent = ICONS[tone];
    this.parts.title.textContent = answer.result === "ok" && answer.direction === "out"
      ? m.exit_ok : m.results[answer.result];
    this.parts.name.textContent = ticket
      ? (ticket.attendee || this.text(m.ticket_number, { id: ticket.id })) : "";
    this.parts.type.textContent = ticket ? ticket.ticket_type || "" : "";
    let detail = m.reasons[answer.reason] || "";
    if (answer.first_scan) {
      detail = this.text(m.first_scan, {
        time: this.time.format(new Date(answer.first_scan.scanned_at)),
        gate: answer.first_scan.gate,
      });
    }
    this.parts.detail.textContent = detail;
    this.parts.offline.hidden = !answer.offline;
    this.undoButton.hidden = !undoable;
    this.root.hidden = false;
    this.beep(tone);
    if (navigator.vibrate) navigator.vibrate(VIBRATIONS[tone]);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.hide(), SHOW_MS[tone] + (undoable ? 2500 : 0));
  }

  hide() {
    clearTimeout(this.timer);
    this.root.hidden = true;
    this.root.dataset.result = "";
    this.root.dataset.tone = "";
  }

  get shown() {
    return !this.root.hidden;
  }

  // Browsers start sound only after a tap or a key: the first one anywhere turns it on.
  unlockAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return Promise.resolve(false);
    if (!this.audio) this.audio = new Context();
    return this.audio.resume().then(() => this.audio.state === "running", () => false);
  }

  get soundOn() {
    return Boolean(this.audio && this.audio.state === "running");
  }

  beep(tone) {
    if (!this.soundOn) return;
    let at = this.audio.currentTime;
    for (const [frequency, length] of BEEPS[tone]) {
      const oscillator = this.audio.createOscillator();
      const gain = this.audio.createGain();
      oscillator.type = tone === "stop" ? "square" : "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.35, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
      oscillator.connect(gain).connect(this.audio.destination);
      oscillator.start(at);
      oscillator.stop(at + length + 0.02);
      at += length + 0.06;
    }
  }
}
