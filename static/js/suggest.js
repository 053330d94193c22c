/* Type-ahead for text filters with a <datalist>: the list is filled from
   the JSON endpoint named by the datalist's data-url as the visitor types.
   Without JavaScript the field is a plain text field that the server
   understands (a name, part of one, or a slug). */
(function () {
  "use strict";
  var DELAY = 200; // ms after the last key before asking
  document.querySelectorAll("input[list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !list.dataset.url || !window.fetch) {
      return;
    }
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2 || text === asked) {
        return;
      }
      timer = window.setTimeout(function () {
        asked = text;
        var url = list.dataset.url + "?q=" + encodeURIComponent(text);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            if (asked !== text) {
              return; // a newer request is on its way
            }
            list.replaceChildren();
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.name;
              option.label = item.place;
              list.appendChild(option);
            });
          })
          .catch(function () {
            /* Suggestions are a help, not a need: typing still works. */
          });
      }, DELAY);
    });
  });
})();
