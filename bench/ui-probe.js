/* global requestAnimationFrame, MessageChannel, PointerEvent -- a browser page script */
// The UI benchmark's hands and stopwatch inside the page (bench/ui.ts drives it through
// Playwright). Plain JavaScript loaded by a <script> tag, so nothing rewrites it on the way in.
// It feeds the page the way the extension host does (window.postMessage of `reset` and `events`
// batches) and times what a user sees: the first frame showing the score, every frame's main-thread
// work while scrolling or while sessions stream, and how long an event takes to reach the screen.
(function () {
  'use strict';

  var KINDS = 10;
  var WORDS = 'the parser now accepts empty input and the reducer ignores duplicate events so a batch delivered twice changes nothing'.split(' ');

  function text(n, seed) {
    var s = '';
    for (var i = 0; s.length < n; i++) s += WORDS[(seed + i * 7) % WORDS.length] + ' ';
    return s.slice(0, n);
  }

  // One event, one entry: outputs, finished tool calls, commands with their exit code, file
  // edits, whole messages, thoughts and notices, in a fixed mix.
  function entryEvent(session, seq, ts, j) {
    var base = { v: 1, session: session, seq: seq, ts: ts };
    var k = j % KINDS;
    var e;
    if (k < 3) e = { type: 'agent.output', stream: j % 41 ? 'stdout' : 'stderr', text: text(60 + (j % 50), j) };
    else if (k < 5) e = { type: 'agent.toolCall', entry: 't' + seq, title: 'Read src/module' + (j % 97) + '.ts', toolKind: 'read', status: 'completed', input: { path: 'src/module' + (j % 97) + '.ts' } };
    else if (k === 5) e = { type: 'agent.command', entry: 'c' + seq, command: ['npm', 'test', '--', '--grep', 'parser'], exitCode: j % 3 ? 0 : 1, output: text(80, j) };
    else if (k === 6) e = { type: 'agent.fileEdited', path: 'src/module' + (j % 97) + '.ts', via: 'Edit tool' };
    else if (k === 7) e = { type: 'agent.message', entry: 'm' + seq, text: text(90 + (j % 70), j) };
    else if (k === 8) e = { type: 'agent.thought', entry: 'th' + seq, text: text(100 + (j % 60), j) };
    else e = { type: 'notice', level: j % 50 === 9 ? 'warning' : 'info', code: 'bench', text: text(50, j) };
    for (var key in e) base[key] = e[key];
    return base;
  }

  /** `sessions` sessions of `per` entries each, ending at `endTs`, in delivery (time) order. */
  function history(sessions, per, endTs) {
    var all = [];
    var step = 360;
    for (var s = 0; s < sessions; s++) {
      var session = 'sess-' + s;
      var t0 = endTs - per * step;
      all.push({ v: 1, session: session, seq: 1, ts: t0 + s * 17, type: 'session.spawned', agent: { kind: s % 3 === 0 ? 'codex' : 'claude', label: s % 3 === 0 ? 'Codex' : 'Claude Code' }, command: ['agent'], cwd: '/w' });
      // Ready, as every agent is a moment after it starts: the sessions stream as running ones,
      // not as ones forever starting (whose spinners a running session does not show).
      all.push({ v: 1, session: session, seq: 2, ts: t0 + s * 17 + 1, type: 'session.ready' });
      for (var j = 1; j < per - 1; j++) all.push(entryEvent(session, j + 2, t0 + j * step + s * 17, j));
    }
    all.sort(function (a, b) { return a.ts - b.ts; });
    return all;
  }

  function frame() {
    return new Promise(function (resolve) { requestAnimationFrame(function (t) { resolve(t); }); });
  }

  /**
   * Runs `frames` frames (or as many as fit in `maxMs`), calling `step(i)` at the start of each, and
   * measures each frame's main-thread work: from its animation-frame callback to a message posted
   * there, which runs once the frame's style, layout and paint are done. Also the intervals between
   * frames.
   */
  function timeFrames(frames, maxMs, step) {
    var until = performance.now() + (maxMs || 60000);
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      var work = [];
      var intervals = [];
      var started = 0;
      var last = 0;
      var i = 0;
      channel.port1.onmessage = function () {
        work.push(performance.now() - started);
        if (work.length >= frames || performance.now() > until) {
          i = frames; // a page this slow gets fewer frames measured, not a longer wait
          resolve({ work: work, intervals: intervals });
        }
      };
      function tick(t) {
        started = performance.now();
        if (last) intervals.push(t - last);
        last = t;
        step(i++);
        channel.port2.postMessage(0);
        if (i < frames) requestAnimationFrame(tick);
      }
      requestAnimationFrame(tick);
    });
  }

  // What "on screen" means on each page. Written out here rather than passed in as code: the
  // pages run under the webview's Content-Security-Policy, which (rightly) forbids eval.
  var plot = function () { return document.querySelector('[data-testid="timeline-plot"]'); };
  var APPS = {
    podium: {
      first: function () { var p = plot(); return document.querySelector('.entry') !== null && p !== null && Number(p.dataset.drawnEvents) > 0; },
      all: function (total) { var p = plot(); return p !== null && Number(p.dataset.drawnEvents) >= total && document.querySelector('.entry') !== null; },
      // The row in its session's list, and the timeline drawn with every event posted so far.
      seen: function (session, id, posted) {
        var p = plot();
        return document.querySelector('.lane[data-session="' + session + '"] [data-entry="' + id + '"]') !== null && p !== null && Number(p.dataset.drawnEvents) >= posted;
      },
      scroller: function () { return document.querySelector('.lane[data-session="sess-1"] .lane-entries'); },
    },
    baseline: {
      first: function () { return document.querySelector('.row') !== null; },
      all: function (total) { var r = document.getElementById('root'); return r !== null && Number(r.dataset.events) >= total; },
      seen: function (session, id) { return document.querySelector('[data-entry-id="' + session + '/' + id + '"]') !== null; },
      scroller: function () { return document.querySelector('.sessions'); },
    },
  };
  var app = function () { return APPS[document.documentElement.dataset.benchApp]; };

  var bench = {
    events: null,
    seq: {},
    /** Events posted since the reset: what the page's event count reaches once it has them all. */
    posted: 0,

    /** Builds the history in the page (not timed), remembering each session's next sequence number. */
    prepare: function (sessions, per) {
      bench.events = history(sessions, per, Date.now() - 60000);
      bench.seq = {};
      for (var s = 0; s < sessions; s++) bench.seq['sess-' + s] = per + 1;
      return bench.events.length;
    },

    /**
     * Posts the history as the host does and times two moments from the first post: the first frame
     * painted with the score on screen (its check true in a frame means the previous one painted
     * it) and the frame with all of it.
     */
    load: function () {
      var events = bench.events;
      var checks = app();
      bench.posted = events.length;
      return new Promise(function (resolve) {
        var firstPaint = null;
        window.postMessage({ type: 'reset', source: { folder: '/w/.podium/journals', label: 'Workspace journals', readOnly: false }, total: events.length }, '*');
        for (var i = 0; i < events.length; i += 5000) window.postMessage({ type: 'events', events: events.slice(i, i + 5000) }, '*');
        // The clock starts once the messages are posted: serialising them is the extension host's
        // work, in its own process; reading them (structured clone) and everything after is the
        // page's, and is timed.
        var start = performance.now();
        // performance.now(), not the callback's frame time: a frame that began before the post can
        // run its callbacks after it when the main thread was busy.
        function check() {
          var t = performance.now();
          if (firstPaint === null && checks.first()) firstPaint = t - start;
          if (firstPaint !== null && checks.all(events.length)) resolve({ firstPaint: firstPaint, complete: t - start });
          else requestAnimationFrame(check);
        }
        requestAnimationFrame(check);
      });
    },

    /** Times frames (see `timeFrames`), scrolling the page's entries by `scrollPx` each frame (0: just watch). */
    frames: function (frames, scrollPx, maxMs) {
      var scroller = scrollPx ? app().scroller() : null;
      return timeFrames(frames, maxMs, function (i) {
        // Down, then back up, like an engineer reading: every frame moves by scrollPx.
        if (scroller) scroller.scrollTop += i % 240 < 120 ? scrollPx : -scrollPx;
      });
    },

    /**
     * Podium only: puts the playhead out and drags it across the whole recording and back (a
     * 120th of the track per frame, as a hand scrubbing would), timing each frame like `frames`.
     * The pointer events are real DOM events on the scrubber's track. Null on a page without one.
     */
    scrub: function (frames, maxMs) {
      var track = document.querySelector('[data-testid="replay-track"]');
      if (!track) return Promise.resolve(null);
      var box = track.getBoundingClientRect();
      var y = box.top + box.height / 2;
      var at = function (i) {
        var k = i % 240;
        var f = k < 120 ? k / 120 : (240 - k) / 120;
        return box.left + 1 + f * (box.width - 2);
      };
      track.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, pointerId: 7, isPrimary: true, button: 0, buttons: 1, clientX: at(0), clientY: y }));
      return timeFrames(frames, maxMs, function (i) {
        track.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, pointerId: 7, isPrimary: true, buttons: 1, clientX: at(i + 1), clientY: y }));
      }).then(function (run) {
        track.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, pointerId: 7, isPrimary: true, button: 0, clientX: at(0), clientY: y }));
        return run;
      });
    },

    /** `sessions` sessions each post a batch of events every `everyMs`, `perBatch` at a time, until stopped. */
    stream: function (sessions, everyMs, perBatch) {
      var timers = [];
      for (var s = 0; s < sessions; s++) {
        (function (session, offset) {
          setTimeout(function () {
            timers.push(setInterval(function () {
              var events = [];
              for (var k = 0; k < perBatch; k++) {
                var seq = bench.seq[session]++;
                events.push(entryEvent(session, seq, Date.now(), seq));
              }
              bench.posted += events.length;
              window.postMessage({ type: 'events', events: events }, '*');
            }, everyMs));
          }, offset);
        })('sess-' + s, (s * everyMs) / sessions);
      }
      bench.stopStream = function () { timers.forEach(clearInterval); };
    },

    /**
     * Posts one message event to `session`, `samples` times (or as many as fit in `maxMs`), and
     * times each until the page's `seen`
     * check holds in a frame: the frame before it painted the row and the mark.
     */
    latency: function (session, samples, gapMs, maxMs) {
      var seen = app().seen;
      var results = [];
      var sent = 0;
      // A page this slow gives fewer samples rather than a wait of minutes.
      var until = performance.now() + (maxMs || 60000);
      return new Promise(function (resolve) {
        function one() {
          var seq = bench.seq[session]++;
          var start = performance.now();
          var id = 'e' + seq;
          var posted = ++bench.posted;
          window.postMessage({ type: 'events', events: [{ v: 1, session: session, seq: seq, ts: Date.now(), type: 'agent.message', entry: 'probe' + seq, text: 'probe ' + seq }] }, '*');
          sent++;
          function check() {
            if (seen(session, id, posted)) {
              results.push(performance.now() - start);
              if (sent >= samples || performance.now() > until) resolve(results);
              else setTimeout(one, gapMs);
            } else requestAnimationFrame(check);
          }
          requestAnimationFrame(check);
        }
        one();
      });
    },

    frame: frame,
  };

  window.podiumBench = bench;
})();
