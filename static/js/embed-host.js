// For a partner's page that shows the registry's embeddable catalog in an
// <iframe> (the snippet on each institution's page): sizes each of the
// registry's embeds to its content, as the embed reports it
// (embed-frame.js, inside the frame). Include it with the snippet's
// <script src>, from the registry itself: its own address tells it the
// registry's origin. No inline code, no dependencies; several snippets on
// one page share one listener.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || typeof URL === "undefined") {
    return;
  }
  var registry = new URL(script.src, document.baseURI).origin;
  var flag = "cooperationRegistryEmbeds:" + registry;
  if (window[flag]) {
    return;
  }
  window[flag] = true;
  // Taller than any embed; a message asking for more is not the embed's.
  var MAX_HEIGHT = 20000;

  // The registry's embed iframe whose window sent the message, if any.
  function embedOf(source) {
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== source) {
        continue;
      }
      var address;
      try {
        address = new URL(frame.src, document.baseURI);
      } catch (error) {
        return null;
      }
      var embed =
        address.origin === registry && address.pathname.indexOf("/embed/") === 0;
      return embed ? frame : null;
    }
    return null;
  }

  // What a height set on ``frame`` holds besides its content: its padding
  // and border when the page's CSS sizes boxes by their border.
  function outside(frame) {
    var style = window.getComputedStyle(frame);
    if (style.boxSizing !== "border-box") {
      return 0;
    }
    return [
      "paddingTop",
      "paddingBottom",
      "borderTopWidth",
      "borderBottomWidth",
    ].reduce(function (sum, name) {
      return sum + (parseFloat(style[name]) || 0);
    }, 0);
  }

  window.addEventListener("message", function (event) {
    // Only the registry speaks for its embeds.
    if (event.origin !== registry || !event.source) {
      return;
    }
    var data = event.data;
    if (!data || data.type !== "cooperation-registry:embed-height") {
      return;
    }
    var height = Math.ceil(Number(data.height));
    if (!(height >= 0 && height <= MAX_HEIGHT)) {
      return;
    }
    var frame = embedOf(event.source);
    if (frame) {
      frame.style.height = height + outside(frame) + "px";
    }
  });
})();
