// The problem tree is drawn around its trunk, in the middle: on a screen narrower than
// the drawing, its box opens scrolled to the trunk instead of the empty left margin.
// Without this script the box simply opens at its left edge and still scrolls.
(function () {
  "use strict";
  function centre() {
    document.querySelectorAll("div.problem-tree").forEach(function (box) {
      var spare = box.scrollWidth - box.clientWidth;
      if (spare > 0 && box.scrollLeft === 0) {
        box.scrollLeft = spare / 2;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", centre);
  } else {
    centre();
  }
})();
