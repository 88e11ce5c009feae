// Small progressive enhancements; every page works without JavaScript.
"use strict";
document.addEventListener("submit", (event) => {
  // One tap, one report: a second tap while the first is on its way would be refused as
  // out of sequence, so the button is disabled after the first.
  const buttons = event.target.querySelectorAll("button[type=submit]");
  buttons.forEach((button) => { setTimeout(() => { button.disabled = true; }, 0); });
});
document.addEventListener("DOMContentLoaded", () => {
  const recorded = document.getElementById("recorded");
  if (recorded && navigator.vibrate) navigator.vibrate(80);
});

// Ledger proof pages: verify the inclusion proof in the browser (RFC 9162 2.1.3.2), with
// SHA-256 from crypto.subtle, and check that the root it leads to is the root written in the
// signed checkpoint (its third line, base64). The server checked the signature as well.
const hexToBytes = (hex) => new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)));
const bytesToHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
async function nodeHash(left, right) {
  const data = new Uint8Array(1 + left.length + right.length);
  data[0] = 1;
  data.set(left, 1);
  data.set(right, 1 + left.length);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}
async function rootFromProof(index, size, leaf, hashes) {
  if (!(index >= 0 && index < size)) throw new Error("index not below tree size");
  let fn = index, sn = size - 1, result = leaf;
  for (const sibling of hashes) {
    if (sn === 0) throw new Error("proof longer than the path to the root");
    if ((fn & 1) || fn === sn) {
      result = await nodeHash(sibling, result);
      if (!(fn & 1)) { while (!(fn & 1) && fn !== 0) { fn >>= 1; sn >>= 1; } }
    } else {
      result = await nodeHash(result, sibling);
    }
    fn >>= 1; sn >>= 1;
  }
  if (sn !== 0) throw new Error("proof shorter than the path to the root");
  return result;
}
async function verifyProof(button) {
  const out = document.getElementById("verify-result");
  const proof = JSON.parse(document.getElementById("proof-data").textContent);
  try {
    const leaf = hexToBytes(document.getElementById("leaf-hash").textContent.trim());
    const root = await rootFromProof(proof.logIndex, proof.treeSize, leaf, proof.hashes.map(hexToBytes));
    const lines = (proof.checkpoint || "").split("\n");
    const signedRoot = lines.length > 2 ? bytesToHex(Uint8Array.from(atob(lines[2]), (c) => c.charCodeAt(0))) : "";
    const ok = bytesToHex(root) === proof.rootHash && signedRoot === proof.rootHash && parseInt(lines[1], 10) === proof.treeSize;
    out.textContent = (ok ? "✔ " + button.dataset.ok : "✘ " + button.dataset.bad) + " (" + bytesToHex(root).slice(0, 16) + "…)";
    out.className = ok ? "ok" : "error";
    out.dataset.ok = String(ok);
  } catch (error) {
    out.textContent = "✘ " + button.dataset.bad + ": " + error.message;
    out.className = "error";
    out.dataset.ok = "false";
  }
}
document.addEventListener("click", (event) => {
  if (event.target && event.target.id === "verify-button") verifyProof(event.target);
});
