/* The admin's import (cooperation/transfer/admin.py): while the server
   works on a submitted file (the preview, then "Confirm import", each one
   request that can take a minute for 10,000 rows), say so at once, how long
   it has taken so far and how much there is to do where the page knows it
   (the file's size and, for a CSV, its rows, counted here; the preview's
   row count for the confirm), and keep the form from being sent twice.

   The server reports no progress while it works (there is no worker
   process, and without Redis each web process has its own cache): the time
   shown is measured here. The texts come translated from the script tag's
   data attributes (admin/import_export/_import_progress.html). Without
   JavaScript the forms post as they are. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var text = script.dataset;
  var language = document.documentElement.lang || undefined;
  // Larger files are not read in the browser to count their rows.
  var LARGEST_COUNTED = 50 * 1024 * 1024; // bytes
  // Seconds between the reminders read out by screen readers.
  var REMIND_EVERY = 30;

  function format(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key)
        ? values[key]
        : match;
    });
  }

  function number(value) {
    return value.toLocaleString(language);
  }

  function fileSize(bytes) {
    var units = ["byte", "kilobyte", "megabyte", "gigabyte"];
    var unit = 0;
    while (bytes >= 1024 && unit < units.length - 1) {
      bytes /= 1024;
      unit += 1;
    }
    try {
      return new Intl.NumberFormat(language, {
        style: "unit",
        unit: units[unit],
        maximumFractionDigits: unit > 1 ? 1 : 0,
      }).format(bytes);
    } catch (error) {
      return number(Math.round(bytes)) + " " + ["B", "KB", "MB", "GB"][unit];
    }
  }

  function clock(seconds) {
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function countRows(file, done) {
    // Lines of a CSV but its header line (a cell may hold a line break:
    // "about").
    if (!/\.(csv|txt)$/i.test(file.name) || file.size > LARGEST_COUNTED) {
      return;
    }
    if (!file.text) {
      return;
    }
    file.text().then(function (content) {
      var lines = content.split("\n").length;
      if (content.slice(-1) === "\n") {
        lines -= 1;
      }
      done(lines - 1);
    }, function () {});
  }

  function element(tag, className) {
    var node = document.createElement(tag);
    node.className = className;
    return node;
  }

  function watch(form, index) {
    var upload = form.querySelector('input[type="file"]');
    var confirming = /process_import\/?$/.test(form.getAttribute("action") || "");
    var buttons = form.querySelectorAll(
      'input[type="submit"], button[type="submit"], button:not([type])'
    );
    // The live regions are on the page from the start, empty, so that
    // screen readers read out what is put in them.
    var box = element("div", "import-progress");
    var status = element("p", "import-progress-status");
    status.setAttribute("role", "status");
    status.id = "import-progress-" + index;
    var bar = element("progress", "import-progress-bar");
    bar.setAttribute("aria-labelledby", status.id);
    bar.hidden = true;
    var elapsed = element("p", "import-progress-time");
    elapsed.setAttribute("role", "timer"); // not read out every second
    elapsed.hidden = true;
    var reminder = element("p", "import-progress-reminder");
    reminder.setAttribute("role", "status");
    box.append(status, bar, elapsed, reminder);
    var row = form.querySelector(".submit-row");
    if (row) {
      row.after(box);
    } else {
      form.append(box);
    }
    var timer = null;

    function stop() {
      window.clearInterval(timer);
      delete form.dataset.importSent;
      status.textContent = "";
      reminder.textContent = "";
      bar.hidden = elapsed.hidden = true;
      buttons.forEach(function (button) {
        button.disabled = false;
      });
    }

    function start() {
      var message = confirming ? text.confirm : text.preview;
      var file = upload && upload.files && upload.files[0];
      status.textContent = message;
      if (file) {
        var described = { name: file.name, size: fileSize(file.size) };
        status.textContent = message + " " + format(text.file, described);
        countRows(file, function (rows) {
          if (rows > 0 && form.dataset.importSent) {
            described.rows = number(rows);
            status.textContent = message + " " + format(text.fileRows, described);
          }
        });
      }
      var started = Date.now();
      var reminders = 0;
      elapsed.textContent = format(text.elapsed, { time: clock(0) });
      bar.hidden = elapsed.hidden = false;
      timer = window.setInterval(function () {
        // From the clock, not by counting ticks: a tab in the background
        // gets them seldom.
        var seconds = Math.floor((Date.now() - started) / 1000);
        elapsed.textContent = format(text.elapsed, { time: clock(seconds) });
        if (Math.floor(seconds / REMIND_EVERY) > reminders) {
          reminders = Math.floor(seconds / REMIND_EVERY);
          reminder.textContent = format(text.reminder, { time: clock(seconds) });
        }
      }, 1000);
      // Disabled once the browser has taken the form's values (a disabled
      // button's own value would not be sent).
      window.setTimeout(function () {
        buttons.forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    }

    form.addEventListener("submit", function (event) {
      if (form.dataset.importSent) {
        event.preventDefault(); // already on its way
        return;
      }
      form.dataset.importSent = "true";
      start();
    });
    // Back to this page from the next one (the browser's page cache): the
    // form may be sent again.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        stop();
      }
    });
  }

  document.querySelectorAll('#content form[method="post" i]').forEach(watch);
})();
