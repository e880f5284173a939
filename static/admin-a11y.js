"use strict";
// Accessible names for the admin's autocomplete boxes (Select2 4.0, loaded by RelatedLinkInline.Media).
//
// Select2 hides the <select> and shows its own widgets: a role="combobox" span named by
// aria-labelledby -> an inner role="textbox" span, which has no name of its own (only a title, and none
// while the placeholder shows). Copy the <select>'s aria-label (set in articles/admin.py) onto that
// inner span, for every box, including those of inline rows added later. An external file: the
// Content-Security-Policy allows no inline script.
{
  const nameBoxes = () => {
    for (const select of document.querySelectorAll("select.admin-autocomplete[aria-label]")) {
      const container = select.nextElementSibling; // Select2 inserts its container right after the <select>
      if (!container || !container.classList.contains("select2")) continue;
      const label = select.getAttribute("aria-label");
      for (const el of container.querySelectorAll(".select2-selection__rendered")) {
        if (el.getAttribute("aria-label") !== label) el.setAttribute("aria-label", label);
      }
    }
  };
  new MutationObserver(nameBoxes).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", nameBoxes);
}
