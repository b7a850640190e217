// 출고 스캔: the input keeps focus, Enter sends the number to the console, the answer is shown
// large in its colour and played as its own tone (WebAudio, no sound files).
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  if (!form) { return; }
  var input = document.getElementById("scan-input");
  var verdict = document.getElementById("verdict");
  var log = document.querySelector("#scan-log tbody");
  var count = document.getElementById("scan-count");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var audio = null;
  // each answer its own melody: rising for OK, low buzz for stop, two mid beeps, falling
  var TONES = {
    ok: [[880, 0.12], [1320, 0.18]],
    stop: [[220, 0.25], [0, 0.06], [220, 0.25], [0, 0.06], [220, 0.35]],
    already: [[660, 0.12], [0, 0.08], [660, 0.12]],
    unknown: [[520, 0.15], [390, 0.15], [260, 0.25]],
    error: [[150, 0.5]]
  };

  function play(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var at = audio.currentTime;
      (TONES[kind] || TONES.error).forEach(function (step) {
        if (step[0] > 0) {
          var osc = audio.createOscillator();
          var gain = audio.createGain();
          osc.type = kind === "stop" ? "square" : "sine";
          osc.frequency.value = step[0];
          gain.gain.value = 0.25;
          osc.connect(gain);
          gain.connect(audio.destination);
          osc.start(at);
          osc.stop(at + step[1]);
        }
        at += step[1];
      });
    } catch (e) { /* no sound on this machine: the colour still says it */ }
  }

  function show(kind, label, number, message) {
    verdict.className = "verdict " + kind;
    verdict.dataset.kind = kind;
    verdict.querySelector(".verdict-label").textContent = label;
    verdict.querySelector(".verdict-number").textContent = number;
    verdict.querySelector(".verdict-message").textContent = message;
    play(kind);
  }

  function remember(kind, label, number, message) {
    var row = document.createElement("tr");
    row.className = kind;
    [new Date().toLocaleTimeString("ko-KR", { timeZone: "Asia/Seoul" }), number, label, message].forEach(function (text) {
      var cell = document.createElement("td");
      cell.textContent = text;
      row.appendChild(cell);
    });
    log.insertBefore(row, log.firstChild);
    count.textContent = String(log.children.length);
  }

  function keepFocus() { if (document.activeElement !== input) { input.focus(); } }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var number = input.value.trim();
    input.value = "";
    keepFocus();
    if (!number) { return; }
    fetch("/shipping/scan", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "accept": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ tracking_number: number })
    }).then(function (response) {
      return response.json().then(function (body) { return [response, body]; });
    }).then(function (pair) {
      var body = pair[1];
      if (!pair[0].ok || body.error) {
        show("error", "처리 못 함", number, body.error || "다시 스캔하세요.");
        remember("error", "처리 못 함", number, body.error || "");
        return;
      }
      var message = body.message + (body.replaced_by ? " → " + body.replaced_by : "");
      show(body.kind, body.label, body.tracking_number || number, message);
      remember(body.kind, body.label, body.tracking_number || number, message);
    }).catch(function () {
      show("error", "연결 끊김", number, "콘솔에 연결할 수 없습니다. 네트워크를 확인하고 다시 스캔하세요.");
    });
  });

  document.getElementById("scan-reset").addEventListener("click", function () {
    log.innerHTML = "";
    count.textContent = "0";
    verdict.className = "verdict idle";
    verdict.querySelector(".verdict-label").textContent = "대기 중";
    verdict.querySelector(".verdict-number").textContent = "";
    verdict.querySelector(".verdict-message").textContent = "";
    keepFocus();
  });
  // a scanner types into whatever has focus: take it back whenever it wanders off
  document.addEventListener("click", function (event) {
    if (!event.target.closest("input[type=file], input[type=checkbox], .bulk, a, .top")) { keepFocus(); }
  });
  window.addEventListener("focus", keepFocus);
  input.addEventListener("blur", function (event) {
    var next = event.relatedTarget;
    if (!next || !next.closest(".bulk, .top, a, #scan-reset")) { setTimeout(keepFocus, 0); }
  });
  keepFocus();
})();
