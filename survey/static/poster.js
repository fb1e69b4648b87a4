/* The poster's Print button (a file, not an inline handler: the Content-Security-Policy refuses those). */
document.querySelectorAll("[data-print]").forEach(function (button) {
  "use strict";
  button.addEventListener("click", function () {
    window.print();
  });
});
