// SRE page: fetch the charts again every few seconds (SVG made on the server) and swap them in.
(function () {
  "use strict";
  var box = document.getElementById("sre-charts");
  if (!box) { return; }
  var seconds = parseInt(box.dataset.refresh, 10) || 15;
  function refresh() {
    fetch("/sre/charts", { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (answer) {
        if (answer.status === 200) { return answer.text(); }
        if (answer.status === 401 || answer.redirected) { window.location.assign("/login"); }
        return null;
      })
      .then(function (html) { if (html !== null) { box.innerHTML = html; } })
      .catch(function () { /* the next round tries again */ });
  }
  window.setInterval(refresh, seconds * 1000);
})();
