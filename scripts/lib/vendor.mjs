// Copies the files the pages use from node_modules into static/vendor (git-ignored).
// Run by scripts/lib/setup.sh after `npm ci`. To add a package: pin it in package.json,
// then name here the files to copy (paths inside the package) and where they go.
// JavaScript is minified on the way (terser) unless the package ships it minified: the
// scanner downloads it on the phones at the door, often on a weak connection.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { minify } from "terser";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const FILES = {
  // package: { path inside the package: path under static/vendor }
  jsqr: { "dist/jsQR.js": "jsqr/jsQR.js", "LICENSE": "jsqr/LICENSE" },
};

async function copy(source, target) {
  if (!source.endsWith(".js") || source.endsWith(".min.js")) {
    copyFileSync(source, target);
    return;
  }
  const result = await minify(readFileSync(source, "utf8"), {
    compress: { passes: 2 },
    mangle: true,
    format: { comments: /@license|@preserve|^!/ },  // keep the licence notices
  });
  writeFileSync(target, result.code);
}

let copied = 0;
for (const [pkg, files] of Object.entries(FILES)) {
  for (const [from, to] of Object.entries(files)) {
    const source = join(root, "node_modules", pkg, from);
    if (!existsSync(source)) {
      console.error(`vendor: ${pkg}/${from} is missing; run npm ci first`);
      process.exit(1);
    }
    const target = join(root, "static", "vendor", to);
    mkdirSync(dirname(target), { recursive: true });
    await copy(source, target);
    copied += 1;
  }
}
console.log(`vendor: ${copied} files copied into static/vendor`);
