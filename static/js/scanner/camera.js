// The rear camera, decoded continuously: a small copy of each frame is drawn on a canvas
// and read by jsQR (from the npm registry, copied into static/vendor). The decoding runs
// between frames on the page itself, so it works offline from the service worker's cache
// like the rest of the page. facingMode "environment" is a preference, not a requirement,
// so a phone or a laptop with a single camera still works.
/* global jsQR */
const MAX_SIDE = 640;
const PAUSE_MS = 70;

export class Camera {
  constructor(video, { onText, onError, onStarted }) {
    this.video = video;
    this.onText = onText;
    this.onError = onError;
    this.onStarted = onStarted;
    this.stream = null;
    this.running = false;
    this.torchOn = false;
    this.timer = null;
    this.canvas = document.createElement("canvas");
    this.context = this.canvas.getContext("2d", { willReadFrequently: true });
  }

  async start() {
    if (this.running) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
      this.onError("camera_missing");
      return;
    }
    this.running = true;
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (error) {
      this.running = false;
      this.onError(error && error.name === "NotAllowedError" ? "camera_denied" : "camera_missing");
      return;
    }
    if (!this.running) { // stopped while the browser was asking
      this.release();
      return;
    }
    this.torchOn = false;
    this.video.srcObject = this.stream;
    try { await this.video.play(); } catch (error) { /* a muted inline video may autoplay */ }
    this.onStarted();
    this.next();
  }

  get track() {
    return this.stream ? this.stream.getVideoTracks()[0] || null : null;
  }

  // Whether this camera has a torch (track capabilities; absent on most laptops and on
  // browsers without getCapabilities).
  get hasTorch() {
    const track = this.track;
    if (!track || typeof track.getCapabilities !== "function") return false;
    try {
      return Boolean(track.getCapabilities().torch);
    } catch (error) {
      return false;
    }
  }

  // Turns the torch on or off; resolves to whether it is on now.
  async toggleTorch() {
    const track = this.track;
    if (!track || !this.hasTorch) return false;
    try {
      await track.applyConstraints({ advanced: [{ torch: !this.torchOn }] });
      this.torchOn = !this.torchOn;
    } catch (error) { /* the phone refused: the torch stays as it was */ }
    return this.torchOn;
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
    this.release();
  }

  release() {
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    this.stream = null;
    this.torchOn = false;
    this.video.srcObject = null;
  }

  next() {
    if (this.running) this.timer = setTimeout(() => this.grab(), PAUSE_MS);
  }

  grab() {
    if (!this.running) return;
    const { videoWidth: w, videoHeight: h } = this.video;
    if (w && h && this.video.readyState >= 2) {
      const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      const width = Math.round(w * scale);
      const height = Math.round(h * scale);
      this.canvas.width = width;
      this.canvas.height = height;
      this.context.drawImage(this.video, 0, 0, width, height);
      const image = this.context.getImageData(0, 0, width, height);
      const found = jsQR(image.data, width, height, { inversionAttempts: "dontInvert" });
      if (found && found.data) this.onText(found.data);
    }
    this.next();
  }
}
