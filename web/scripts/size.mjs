// Prints the gzipped size of the built JavaScript and fails above the budget (150 KB).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 150 * 1024;
const dir = new URL("../dist/assets/", import.meta.url).pathname;
let total = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith(".js"))) {
  total += gzipSync(readFileSync(join(dir, name)), { level: 9 }).length;
}
console.log(`built JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget 150 KB)`);
if (total > BUDGET) {
  console.error("over the budget");
  process.exit(1);
}
