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
