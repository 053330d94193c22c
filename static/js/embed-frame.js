// Inside the embeddable catalog (/embed/exchanges/, cooperation/public/embed.py):
// tells the page that frames it how tall the content is, whenever that
// changes (more or fewer exchanges, a narrower frame wrapping the lines), so
// that the partner's copy of embed-host.js sizes the iframe to fit. A file,
// not inline code, so that the site's Content-Security-Policy holds.
//
// The height is no secret, and the partner's address is not known here (any
// site may frame the embed), hence the target "*". embed-host.js believes
// only messages from the registry's origin and from one of its iframes.
"use strict";
(function () {
  if (window.parent === window || typeof ResizeObserver === "undefined") {
    return;
  }
  var root = document.documentElement;
  var sent = -1;
  function send() {
    // The root element is as tall as the content (its height is auto), not
    // as the frame: the height shrinks as well as grows.
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height !== sent) {
      sent = height;
      window.parent.postMessage(
        { type: "cooperation-registry:embed-height", height: height },
        "*"
      );
    }
  }
  // Called once when observing starts, then on every change of size.
  new ResizeObserver(send).observe(root);
})();
