// The docs/canary.md TypeScript, as plain JavaScript, checked against the published vectors:
//   node tests/vectors/bucketing_check.mjs tests/vectors/bucketing.json [more.json ...]
// Uses only the Web Crypto API (crypto.subtle.digest), as a Cloudflare Worker would.
import { readFileSync } from "node:fs";

export async function bucket(salt, threadId) {
  if (threadId === "") throw new Error("thread_id is empty");
  const data = new TextEncoder().encode(`${salt}:${threadId}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  let first8 = 0n;
  for (let i = 0; i < 8; i++) first8 = (first8 << 8n) | BigInt(digest[i]);
  return Number(first8 % 10000n);
}

export function percentBasisPoints(raw) {
  const text = (raw ?? "").trim();
  if (text === "") return 0;
  const m = /^(?:([0-9]+)(?:\.([0-9]{0,2}))?|\.([0-9]{1,2}))$/.exec(text);
  if (!m) return null; // invalid: every thread runs control
  const whole = m[1] ?? "0";
  const frac = (m[1] === undefined ? m[3] : m[2]) ?? "";
  const points = Number(whole) * 100 + Number(frac.padEnd(2, "0"));
  return points <= 10000 ? points : null;
}

export async function cohort(salt, threadId, rawPercent) {
  const b = await bucket(salt, threadId);
  const points = percentBasisPoints(rawPercent);
  return { bucket: b, cohort: points !== null && b < points ? "candidate" : "control" };
}

let failures = 0;
let checked = 0;
for (const path of process.argv.slice(2)) {
  for (const row of JSON.parse(readFileSync(path, "utf8"))) {
    const got = await cohort(row.salt, row.thread_id, row.percent);
    checked++;
    if (got.bucket !== row.bucket || got.cohort !== row.cohort) {
      failures++;
      console.log(`MISMATCH ${path}: ${JSON.stringify(row)} got ${JSON.stringify(got)}`);
    }
  }
}
console.log(`vectors: ${checked - failures} ok, ${failures} mismatched`);
process.exit(failures ? 1 : 0);
