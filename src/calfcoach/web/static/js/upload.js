/* calfcoach uploads with a progress display (issue 10): activity files, calendars and watch
   strength activities. A form marked data-upload is sent with XMLHttpRequest so its upload
   progress events can show the bytes sent (a <progress> bar and "1.2 MB of 3.4 MB"); the
   server's answer is the same page a plain form post gets, and its <main> replaces this one,
   with the focus on the result. A choice larger than the form's data-max-bytes (the server's
   limit) is refused before anything is sent. Without JS the plain form works the same. Screen readers
   hear the progress in quarters, not every event. No inline scripts (the CSP of issue 9). */
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !window.FormData || !window.DOMParser) return;

  function size(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function parts(form) {
    return {
      box: form.querySelector("[data-upload-progress]"),
      bar: form.querySelector("progress"),
      bytes: form.querySelector("[data-upload-bytes]"),
      status: form.querySelector("[data-upload-status]"),
      button: form.querySelector("button[type=submit]")
    };
  }

  function say(p, visible, spoken) {
    if (p.bytes) p.bytes.textContent = visible;
    if (p.status && spoken !== null) p.status.textContent = spoken;
  }

  function showAnswer(form, xhr) {
    var type = xhr.getResponseHeader("content-type") || "";
    var p = parts(form);
    if (type.indexOf("text/html") === -1) {
      // The size limit (413) and other refusals before the page: a problem+json body.
      var detail = "The upload was refused (" + xhr.status + "). Nothing was stored.";
      try { detail = JSON.parse(xhr.responseText).detail + " Nothing was stored."; } catch (e) { /* keep */ }
      fail(form, detail);
      return;
    }
    var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var next = doc.querySelector("main");
    var main = document.querySelector("main");
    if (!next || !main) { fail(form, "The answer could not be shown; reload the page."); return; }
    main.innerHTML = next.innerHTML;
    if (doc.title) document.title = doc.title;
    // The new content's htmx forms (Today's sets) and their client ids (sets.js).
    if (window.htmx && typeof window.htmx.process === "function") window.htmx.process(main);
    document.dispatchEvent(new CustomEvent("calfcoach:swapped", { detail: { root: main } }));
    var target = main.querySelector("[data-upload-result] [tabindex='-1']") ||
      main.querySelector('[aria-invalid="true"]') || main;
    if (typeof target.focus === "function") target.focus();
    if (p.button) p.button.disabled = false;
  }

  function fail(form, message) {
    var p = parts(form);
    if (p.bar) p.bar.value = 0;
    say(p, message, message);
    if (p.box) p.box.classList.add("failed");
    if (p.button) p.button.disabled = false;
  }

  function chosenBytes(form) {
    var total = 0;
    var inputs = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      var files = inputs[i].files || [];
      for (var j = 0; j < files.length; j++) total += files[j].size;
    }
    return total;
  }

  function send(form) {
    var p = parts(form);
    var most = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    var chosen = chosenBytes(form);
    if (most && chosen > most) {
      // The server would refuse it (413) after the bytes were sent: say so before sending.
      if (p.box) p.box.hidden = false;
      fail(form, "The files chosen are " + size(chosen) + "; at most " + size(most) +
        " can be sent at once. Nothing was sent: choose fewer files.");
      return;
    }
    var data = new FormData(form);
    var xhr = new XMLHttpRequest();
    var quarter = -1;
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "text/html");
    if (p.box) { p.box.hidden = false; p.box.classList.remove("failed"); }
    if (p.bar) p.bar.value = 0;
    if (p.button) p.button.disabled = true;
    say(p, "Starting the upload...", "Upload started.");
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) { say(p, size(event.loaded) + " sent", null); return; }
      var percent = Math.floor((event.loaded / event.total) * 100);
      if (p.bar) p.bar.value = percent;
      var q = Math.floor(percent / 25);
      say(p, size(event.loaded) + " of " + size(event.total) + " sent (" + percent + "%)",
        q !== quarter ? percent + "% sent." : null);
      quarter = q;
    });
    xhr.upload.addEventListener("load", function () {
      if (p.bar) p.bar.value = 100;
      say(p, "Sent. Reading the files...", "Sent. Reading the files.");
    });
    xhr.addEventListener("load", function () { showAnswer(form, xhr); });
    xhr.addEventListener("error", function () {
      fail(form, "The upload failed: the network dropped. Nothing was stored; try again.");
    });
    xhr.addEventListener("abort", function () { fail(form, "The upload was stopped. Nothing was stored."); });
    xhr.send(data);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload")) return;
    event.preventDefault();
    send(form);
  });
})();
