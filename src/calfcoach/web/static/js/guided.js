/* calfcoach guided mode: one exercise at a time, a set counter, a hold timer per side,
   a tempo metronome, a rope/pogo timer with its contact count, a rest timer between sets,
   Web Audio beeps and the screen kept awake (Wake Lock). Each set is logged through its
   form (the same htmx endpoint as Today); the next set starts once it is logged.

   Time comes from one clock object so tests can drive it:
     window.calfcoachClock = "manual"   (before this file runs, e.g. Playwright addInitScript)
   turns it into a ManualClock; then calfcoachClock.advance(ms) moves time on. Any object
   with now(), setTimeout(fn, ms) and clearTimeout(id) may be given instead.
   No inline scripts, no inline handlers (the CSP of issue 9). */
(function () {
  "use strict";

  // ------------------------------------------------------------------ the clock
  function ManualClock() {
    this.t = 0;
    this.nextId = 1;
    this.timers = [];
  }
  ManualClock.prototype.now = function () { return this.t; };
  ManualClock.prototype.setTimeout = function (fn, ms) {
    var id = this.nextId++;
    this.timers.push({ id: id, at: this.t + Math.max(0, ms || 0), fn: fn });
    return id;
  };
  ManualClock.prototype.clearTimeout = function (id) {
    this.timers = this.timers.filter(function (t) { return t.id !== id; });
  };
  /* Move time on by ms, running every timer that falls due, in order. */
  ManualClock.prototype.advance = function (ms) {
    var end = this.t + ms;
    for (;;) {
      var due = this.timers.filter(function (t) { return t.at <= end; });
      if (!due.length) break;
      due.sort(function (a, b) { return a.at - b.at || a.id - b.id; });
      var first = due[0];
      this.timers = this.timers.filter(function (t) { return t !== first; });
      this.t = Math.max(this.t, first.at);
      first.fn();
    }
    this.t = end;
  };

  var realClock = {
    now: function () { return performance.now(); },
    setTimeout: function (fn, ms) { return window.setTimeout(fn, ms); },
    clearTimeout: function (id) { window.clearTimeout(id); }
  };
  if (window.calfcoachClock === "manual") window.calfcoachClock = new ManualClock();
  function clock() { return window.calfcoachClock || realClock; }

  // ------------------------------------------------------------------ sound and wake lock
  var audio = null;
  function beep(freq, ms) {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      audio = audio || new Ctx();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.2;
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (ms || 150) / 1000);
    } catch (e) { /* no sound is not an error */ }
    window.calfcoachBeeps = (window.calfcoachBeeps || 0) + 1;
  }

  var wakeLock = null;
  var wantAwake = false;
  function keepAwake(on) {
    wantAwake = on;
    if (!on) {
      if (wakeLock) { wakeLock.release().catch(function () {}); wakeLock = null; }
      return;
    }
    if (wakeLock || !("wakeLock" in navigator) || document.visibilityState !== "visible") return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(function () { wakeLock = null; });
  }
  document.addEventListener("visibilitychange", function () {
    // The system releases the lock when the page is hidden; take it again on return.
    if (document.visibilityState === "visible" && wantAwake) keepAwake(true);
    if (document.visibilityState === "hidden" && wakeLock) { wakeLock.release().catch(function () {}); wakeLock = null; }
  });

  // ------------------------------------------------------------------ helpers
  function fmt(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }
  function num(el, name) {
    var v = el.getAttribute("data-" + name);
    return v ? Number(v) : 0;
  }
  /* "up:3,hold:2,down:3" -> [{name: "up", seconds: 3}, ...] */
  function phases(text) {
    if (!text) return [];
    return text.split(",").map(function (part) {
      var bits = part.split(":");
      return { name: bits[0], seconds: Number(bits[1]) };
    }).filter(function (p) { return p.seconds > 0; });
  }

  /* A countdown (or count-up with total 0) that calls onTick(elapsed s) and onEnd(). */
  function Timer(total, onTick, onEnd) {
    var c = clock();
    var start = c.now();
    var id = null;
    var stopped = false;
    function tick() {
      if (stopped) return;
      var elapsed = (c.now() - start) / 1000;
      onTick(elapsed);
      if (total && elapsed >= total - 1e-6) { stopped = true; onEnd(); return; }
      id = c.setTimeout(tick, 250);
    }
    tick();
    return { stop: function () { stopped = true; if (id !== null) c.clearTimeout(id); } };
  }

  // ------------------------------------------------------------------ guided session
  function Guided(root) {
    this.root = root;
    this.steps = Array.prototype.slice.call(root.querySelectorAll("[data-step]"));
    this.announcer = root.querySelector("[data-announce]");
    this.progress = root.querySelector("[data-progress]");
    this.end = root.querySelector("[data-end]");
    this.index = 0;
    this.set = 1;
    this.timer = null;
    this.resting = false;
    var missing = root.querySelector("[data-js-missing]");
    if (missing) missing.hidden = true;
    var self = this;
    this.steps.forEach(function (step) {
      step.querySelector("[data-panel]").hidden = false;
      step.addEventListener("click", function (ev) {
        var button = ev.target.closest("[data-action]");
        if (!button) return;
        var action = button.getAttribute("data-action");
        if (action === "start") self.startSet();
        if (action === "stop") self.stopTimer(true);
        if (action === "skip-rest") self.endRest();
      });
    });
    document.body.addEventListener("htmx:afterSettle", function () { self.checkLogged(); });
    document.addEventListener("calfcoach:set-queued", function () { self.checkLogged(); });
    this.skipDone();
    this.show();
  }

  Guided.prototype.say = function (text) {
    if (this.announcer) this.announcer.textContent = text;
  };
  Guided.prototype.step = function () { return this.steps[this.index]; };
  Guided.prototype.formsOfSet = function (step, number) {
    return Array.prototype.slice.call(
      step.querySelectorAll('[data-set-form][data-set-number="' + number + '"]'));
  };
  /* Skip over sets already logged (a page opened again mid-session). */
  Guided.prototype.skipDone = function () {
    while (this.index < this.steps.length) {
      var step = this.step();
      var sets = num(step, "sets");
      while (this.set <= sets && this.formsOfSet(step, this.set).length === 0) this.set++;
      if (this.set <= sets) return;
      this.index++;
      this.set = 1;
    }
  };
  Guided.prototype.show = function () {
    var self = this;
    if (this.index >= this.steps.length) { this.finish(); return; }
    this.steps.forEach(function (step, i) { step.hidden = i !== self.index; });
    var step = this.step();
    var sets = num(step, "sets");
    step.querySelector("[data-set-counter]").textContent = "Set " + this.set + " of " + sets;
    Array.prototype.slice.call(step.querySelectorAll("[data-set-form]")).forEach(function (form) {
      form.hidden = Number(form.getAttribute("data-set-number")) !== self.set;
    });
    this.buttons({ start: true, stop: false, skipRest: false });
    step.querySelector("[data-timer]").textContent = this.idleText(step);
    step.querySelector("[data-phase]").textContent = "";
    step.querySelector("[data-count]").textContent = "";
    if (this.progress) {
      this.progress.textContent = "Exercise " + (this.index + 1) + " of " + this.steps.length +
        " · set " + this.set + " of " + sets;
    }
    this.say(step.getAttribute("data-name") + ", set " + this.set + " of " + sets);
  };
  Guided.prototype.idleText = function (step) {
    var kind = step.getAttribute("data-kind");
    if (kind === "hold") return fmt(num(step, "seconds"));
    if (kind === "contacts") return fmt(this.ropeSeconds(step));
    if (kind === "tempo") return num(step, "reps") + " reps";
    return "--";
  };
  Guided.prototype.buttons = function (on) {
    var step = this.step();
    step.querySelector('[data-action="start"]').hidden = !on.start;
    step.querySelector('[data-action="stop"]').hidden = !on.stop;
    step.querySelector('[data-action="skip-rest"]').hidden = !on.skipRest;
  };
  Guided.prototype.sides = function (step) {
    return step.getAttribute("data-per-side") === "true" ? ["left", "right"] : ["both"];
  };
  Guided.prototype.ropeSeconds = function (step) {
    var seconds = num(step, "seconds");
    var contacts = num(step, "contacts");
    var cpm = num(step, "cpm");
    if (!seconds && contacts && cpm) seconds = Math.round(contacts * 60 / cpm);
    return seconds || 30;
  };

  Guided.prototype.startSet = function () {
    var step = this.step();
    var kind = step.getAttribute("data-kind");
    keepAwake(true);
    beep(880, 120);
    this.buttons({ start: false, stop: true, skipRest: false });
    if (kind === "hold") this.runHold(step, this.sides(step), 0);
    else if (kind === "tempo") this.runTempo(step, this.sides(step), 0);
    else if (kind === "contacts") this.runRope(step);
    else {
      step.querySelector("[data-phase]").textContent = "Do the set, then log it below.";
      this.say("Go. Log the set when it is done.");
      this.buttons({ start: false, stop: false, skipRest: false });
      this.focusForm();
    }
  };
  Guided.prototype.sideWord = function (side) {
    return side === "both" ? "" : (side === "left" ? "Left side: " : "Right side: ");
  };
  /* Isometric: hold for the prescribed seconds, each side in turn. */
  Guided.prototype.runHold = function (step, sides, i) {
    var self = this;
    if (i >= sides.length) { this.setDone(); return; }
    var seconds = num(step, "seconds");
    var display = step.querySelector("[data-timer]");
    step.querySelector("[data-phase]").textContent = this.sideWord(sides[i]) + "hold";
    this.say(this.sideWord(sides[i]) + "hold " + seconds + " seconds");
    var lastWhole = null;
    this.timer = Timer(seconds, function (elapsed) {
      var left = seconds - elapsed;
      display.textContent = fmt(left);
      var whole = Math.ceil(left);
      if (whole !== lastWhole && whole <= 3 && whole > 0) beep(660, 80);
      lastWhole = whole;
    }, function () {
      beep(990, 300);
      self.say(self.sideWord(sides[i]) + "done");
      self.runHold(step, sides, i + 1);
    });
  };
  /* Slow reps: a metronome through the tempo's phases, rep after rep, each side in turn. */
  Guided.prototype.runTempo = function (step, sides, i) {
    var self = this;
    if (i >= sides.length) { this.setDone(); return; }
    var list = phases(step.getAttribute("data-tempo"));
    var reps = num(step, "reps") || 1;
    var cycle = list.reduce(function (a, p) { return a + p.seconds; }, 0);
    var phaseEl = step.querySelector("[data-phase]");
    var countEl = step.querySelector("[data-count]");
    var display = step.querySelector("[data-timer]");
    var lastKey = null;
    this.say(this.sideWord(sides[i]) + reps + " slow reps");
    this.timer = Timer(cycle * reps, function (elapsed) {
      var rep = Math.min(reps, Math.floor(elapsed / cycle) + 1);
      var within = elapsed - (rep - 1) * cycle;
      var phase = list[list.length - 1];
      var acc = 0;
      for (var k = 0; k < list.length; k++) {
        if (within < acc + list[k].seconds) { phase = list[k]; break; }
        acc += list[k].seconds;
      }
      var key = rep + ":" + phase.name;
      if (key !== lastKey) {
        beep(phase.name === "up" ? 880 : (phase.name === "down" ? 440 : 660), 90);
        phaseEl.textContent = self.sideWord(sides[i]) + phase.name;
        self.say(phase.name);
        lastKey = key;
      }
      countEl.textContent = "Rep " + rep + " of " + reps;
      display.textContent = fmt(acc + phase.seconds - within);
    }, function () {
      beep(990, 300);
      self.runTempo(step, sides, i + 1);
    });
  };
  /* Rope or pogo: a bout timer with the contact count from the usual cadence. */
  Guided.prototype.runRope = function (step) {
    var self = this;
    var seconds = this.ropeSeconds(step);
    var target = num(step, "contacts");
    var cpm = num(step, "cpm") || (target ? target * 60 / seconds : 0);
    var display = step.querySelector("[data-timer]");
    var countEl = step.querySelector("[data-count]");
    step.querySelector("[data-phase]").textContent = "Jump";
    this.say("Jump: " + (target ? target + " contacts, " : "") + seconds + " seconds");
    this.timer = Timer(seconds, function (elapsed) {
      display.textContent = fmt(seconds - elapsed);
      var count = Math.min(target || Infinity, Math.floor(elapsed * cpm / 60));
      countEl.textContent = "About " + count + (target ? " of " + target : "") + " contacts";
    }, function () {
      beep(990, 300);
      countEl.textContent = (target ? target : Math.round(seconds * cpm / 60)) + " contacts";
      self.setDone();
    });
  };
  Guided.prototype.stopTimer = function (andLog) {
    if (this.timer) { this.timer.stop(); this.timer = null; }
    if (andLog) this.setDone();
  };
  Guided.prototype.focusForm = function () {
    var form = this.formsOfSet(this.step(), this.set)[0];
    if (form) {
      var input = form.querySelector("[data-measure]");
      if (input) input.focus();
    }
  };
  /* The set's work is over: log it (the forms are prefilled with the planned values). */
  Guided.prototype.setDone = function () {
    this.timer = null;
    var step = this.step();
    this.buttons({ start: false, stop: false, skipRest: false });
    step.querySelector("[data-phase]").textContent = "Log the set below.";
    this.say("Set " + this.set + " done. Log it.");
    this.focusForm();
  };
  /* After an htmx swap: when every form of the current set is logged, rest, then go on. */
  Guided.prototype.checkLogged = function () {
    if (this.index >= this.steps.length || this.resting) return;
    var step = this.step();
    if (this.formsOfSet(step, this.set).length > 0) {
      // One side logged: the swap removed the focused form, so keyboard and screen-reader
      // users go on at the set's next form (the other side) instead of the page's top.
      var active = document.activeElement;
      if (!active || active === document.body) this.focusForm();
      return;
    }
    if (this.timer) { this.timer.stop(); this.timer = null; }
    var sets = num(step, "sets");
    var last = this.set >= sets && this.index >= this.steps.length - 1;
    if (last) { this.set = sets + 1; this.skipDone(); this.show(); return; }
    this.rest(num(step, "rest"));
  };
  Guided.prototype.rest = function (seconds) {
    var self = this;
    var step = this.step();
    if (!seconds) { this.endRest(); return; }
    this.resting = true;
    this.buttons({ start: false, stop: false, skipRest: true });
    step.querySelector("[data-phase]").textContent = "Rest";
    step.querySelector("[data-count]").textContent = "";
    this.say("Rest " + seconds + " seconds");
    var display = step.querySelector("[data-timer]");
    var lastWhole = null;
    this.timer = Timer(seconds, function (elapsed) {
      var left = seconds - elapsed;
      display.textContent = fmt(left);
      var whole = Math.ceil(left);
      if (whole !== lastWhole && whole <= 3 && whole > 0) beep(660, 80);
      lastWhole = whole;
    }, function () {
      beep(990, 300);
      self.endRest();
    });
  };
  Guided.prototype.endRest = function () {
    if (this.timer) { this.timer.stop(); this.timer = null; }
    this.resting = false;
    this.set++;
    this.skipDone();
    this.show();
  };
  Guided.prototype.finish = function () {
    this.steps.forEach(function (step) { step.hidden = true; });
    keepAwake(false);
    if (this.progress) this.progress.textContent = "All sets logged";
    if (this.end) { this.end.hidden = false; this.end.focus(); }
    this.say("Session done. Tomorrow morning, do the check-in.");
  };

  window.calfcoachGuided = { ManualClock: ManualClock, phases: phases, fmt: fmt };

  function start() {
    var root = document.querySelector("[data-guided]");
    if (root) window.calfcoachGuided.session = new Guided(root);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
