/* The respondent's form, sent in place.
 *
 * Without this script every form works as plain HTML: the POST saves and redirects, and the browser loads the
 * next page. With it, a form marked `data-in-place` is sent with fetch and the server answers with the next
 * step itself (one request instead of two), which replaces the page here, with its address in the history, so
 * Back and reload still work. When the connection drops, the page stays as it was, with every answer on it, and
 * says so: sending again continues.
 */
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.URLSearchParams || !window.history.pushState) {
    return;
  }
  var shown = location.pathname + location.search;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-in-place") || !("submitter" in event)) {
      return;
    }
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") {
      return; // a double click sends once
    }
    var data = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(data),
      headers: { "X-Respond-In-Place": "1" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (response.status >= 500 || response.status === 429) {
          throw new Error(String(response.status));
        }
        return response.text().then(function (html) {
          show(html, response.headers.get("Content-Location") || response.url);
        });
      })
      .catch(function () {
        form.removeAttribute("aria-busy");
        notSent(form);
      });
  });

  // Back and Forward between steps shown here: load the step from the server, with the answers saved there.
  window.addEventListener("popstate", function () {
    if (location.pathname + location.search !== shown) {
      location.reload();
    }
  });

  function show(html, address) {
    var next = new DOMParser().parseFromString(html, "text/html");
    document.title = next.title;
    document.documentElement.lang = next.documentElement.lang;
    document.documentElement.dir = next.documentElement.dir; // "rtl" for Arabic, Dari ...; "" otherwise
    document.body.replaceWith(document.adoptNode(next.body));
    var url = new URL(address, location.href);
    if (url.pathname + url.search !== shown) {
      history.pushState(null, "", url.pathname + url.search);
      shown = url.pathname + url.search;
    }
    window.scrollTo(0, 0);
    var focus = document.querySelector(".error-summary") || document.querySelector("main h1");
    if (focus) {
      if (!focus.hasAttribute("tabindex")) {
        focus.setAttribute("tabindex", "-1");
      }
      focus.focus();
    }
  }

  function notSent(form) {
    var message = form.querySelector(".not-sent");
    if (!message) {
      message = document.createElement("p");
      message.className = "not-sent";
      message.setAttribute("role", "alert");
      form.insertBefore(message, form.querySelector(".actions") || form.lastElementChild);
    }
    message.textContent = "";
    // set after an empty pass, so a screen reader announces the same text again on every failed attempt
    window.setTimeout(function () {
      message.textContent = form.getAttribute("data-not-sent");
    }, 50);
  }
})();
