// The scanner's memory on the phone (IndexedDB): the offline bundle with its ETag, and the
// scans waiting to be sent. Every call is one small transaction.
const DB_NAME = "almoggar-scanner";
const DB_VERSION = 1;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class Store {
  static async open() {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta");
      if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "scan_id" });
    };
    return new Store(await request(req));
  }

  constructor(db) {
    this.db = db;
  }

  run(name, mode, action) {
    const tx = this.db.transaction(name, mode);
    const result = request(action(tx.objectStore(name)));
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  getMeta(key) { return this.run("meta", "readonly", (s) => s.get(key)); }
  setMeta(key, value) { return this.run("meta", "readwrite", (s) => s.put(value, key)); }
  clearMeta() { return this.run("meta", "readwrite", (s) => s.clear()); }
  queue(item) { return this.run("queue", "readwrite", (s) => s.put(item)); }
  waiting() { return this.run("queue", "readonly", (s) => s.getAll()); }
  countWaiting() { return this.run("queue", "readonly", (s) => s.count()); }
  sent(scanId) { return this.run("queue", "readwrite", (s) => s.delete(scanId)); }
}
