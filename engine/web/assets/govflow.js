// govflow 电子监察: small enhancements over pages that work without them.
// - The board refreshes itself (every 60 s by default), with a button to pause.
// - The case page's action forms are sent in place: the page's <main> is replaced by the
//   one the server answers (the case after the action, or the refusal), no reload.
// Without JavaScript the board is refreshed by hand and the forms post as usual.
(function () {
  "use strict";
  var PAUSED = "govflow.refresh.paused";
  var timer = null;

  function main() {
    return document.querySelector("main");
  }

  // Replaces <main> by the one in `html` and attaches the enhancements to it again.
  function swap(html) {
    var next = new DOMParser().parseFromString(html, "text/html").querySelector("main");
    if (!next) {
      location.reload();
      return;
    }
    main().replaceWith(next);
    enhance();
    var alert = next.querySelector("[role=alert]");
    if (alert) {
      alert.setAttribute("tabindex", "-1");
      alert.focus();
    }
  }

  function paused() {
    return sessionStorage.getItem(PAUSED) === "yes";
  }

  function refreshing(marker) {
    var seconds = Number(marker.getAttribute("data-refresh"));
    var bar = document.createElement("p");
    bar.className = "notice refresh";
    bar.setAttribute("data-refresh-control", "");
    var status = document.createElement("span");
    var button = document.createElement("button");
    button.type = "button";
    var at = new Date().toLocaleTimeString("zh-CN", { hour12: false });
    function show() {
      var on = !paused();
      status.textContent = (on ? "每 " + seconds + " 秒自动刷新" : "自动刷新已暂停") + "，上次刷新 " + at + " ";
      button.textContent = on ? "暂停" : "继续自动刷新";
      bar.setAttribute("data-paused", on ? "no" : "yes");
    }
    button.addEventListener("click", function () {
      sessionStorage.setItem(PAUSED, paused() ? "no" : "yes");
      show();
      schedule(seconds);
    });
    show();
    bar.appendChild(status);
    bar.appendChild(button);
    marker.parentNode.insertBefore(bar, marker);
    schedule(seconds);
  }

  function schedule(seconds) {
    clearTimeout(timer);
    if (paused() || !(seconds > 0)) return;
    timer = setTimeout(function () {
      // Someone is filling in the period form: not now.
      var active = document.activeElement;
      if (active && active.form && main().contains(active)) {
        schedule(seconds);
        return;
      }
      fetch(location.href, { credentials: "same-origin" })
        .then(function (r) {
          // Signed out meanwhile: go where the server sends us.
          if (r.redirected && new URL(r.url).pathname !== location.pathname) {
            location.href = r.url;
            return null;
          }
          return r.text();
        })
        .then(function (html) {
          if (html !== null) swap(html);
        })
        .catch(function () {
          schedule(seconds);
        });
    }, seconds * 1000);
  }

  function inPlace(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        body: new URLSearchParams(new FormData(form)),
      })
        .then(function (r) {
          return r.text();
        })
        .then(swap)
        .catch(function () {
          form.submit();
        });
    });
  }

  function enhance() {
    clearTimeout(timer);
    var root = main();
    if (!root) return;
    var marker = root.querySelector("[data-refresh]");
    if (marker) refreshing(marker);
    root.querySelectorAll("form.action").forEach(inPlace);
  }

  enhance();
})();
