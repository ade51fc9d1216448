// narrascope workspace: layer toggles on the marked article (written for this project).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const article = document.getElementById("article");
  const toggles = document.querySelectorAll("#layer-toggles input[data-layer]");
  toggles.forEach((box) => {
    box.addEventListener("change", () => {
      // A hidden layer loses its paint only; the text and the other layers stay.
      article.classList.toggle("hide-" + box.dataset.layer, !box.checked);
    });
  });
  const form = document.getElementById("analyse-form");
  if (form) {
    form.addEventListener("submit", () => {
      const button = document.getElementById("analyse-button");
      button.disabled = true;
      button.textContent = "Analysing…";
    });
  }
});
