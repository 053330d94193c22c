/* The institutions map: markers from the page's JSON data block. */
(function () {
  "use strict";
  var element = document.getElementById("map");
  var data = document.getElementById("map-markers");
  if (!element || !data || typeof L === "undefined") {
    return;
  }
  var markers = JSON.parse(data.textContent);
  var map = L.map(element, { scrollWheelZoom: false }).setView([35, 60], 2);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18,
    attribution: element.dataset.attribution
  }).addTo(map);
  var bounds = [];
  markers.forEach(function (item) {
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.name;
    var popup = document.createElement("div");
    popup.appendChild(link);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(item.place));
    L.marker([item.lat, item.lon], { title: item.name, alt: item.name })
      .addTo(map)
      .bindPopup(popup);
    bounds.push([item.lat, item.lon]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 10, animate: false });
  }
})();
