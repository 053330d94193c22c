// The admin's date fields without Django's "Note: You are 1 hour behind
// server time": a date has no time of day, so the difference between the
// browser's and the registry's time zones says nothing about it (the
// calendar's "Today" already gives the registry's date). Time fields keep
// the note. Loaded with `defer` (templates/admin/base_site.html): after
// DateTimeShortcuts.js, before its initialisation on the page's load.
"use strict";
if (window.DateTimeShortcuts) {
  const addTimezoneWarning = window.DateTimeShortcuts.addTimezoneWarning;
  window.DateTimeShortcuts.addTimezoneWarning = function (input) {
    if (input.classList.contains("vDateField")) {
      return;
    }
    addTimezoneWarning.call(this, input);
  };
}
