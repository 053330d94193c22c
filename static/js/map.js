/* The institutions map: markers fetched as GeoJSON from the address in
   data-markers, grouped by Leaflet.markercluster. Without this script the
   page still lists the institutions by country. */
(function () {
  "use strict";
  var area = document.getElementById("map-area");
  var element = document.getElementById("map");
  if (!area || !element || !window.fetch || typeof L === "undefined" ||
      typeof L.markerClusterGroup !== "function") {
    return;
  }
  area.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false }).setView([35, 60], 2);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18,
    attribution: element.dataset.attribution
  }).addTo(map);

  // A group's icon shows its size; screen readers hear "12 institutions".
  function groupIcon(group) {
    var count = group.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var content = document.createElement("div");
    var number = document.createElement("span");
    number.className = "marker-cluster-count";
    number.setAttribute("aria-hidden", "true");
    number.textContent = count;
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = element.dataset.clusterLabel.replace("{count}", count);
    content.appendChild(number);
    content.appendChild(label);
    return L.divIcon({
      html: content,
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(40, 40)
    });
  }

  function popup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(properties.place));
    return box;
  }

  function showError() {
    var message = document.createElement("p");
    message.className = "alert alert-warning";
    message.setAttribute("role", "alert");
    message.textContent = element.dataset.error;
    area.insertBefore(message, element);
  }

  var groups = L.markerClusterGroup({
    chunkedLoading: true,
    showCoverageOnHover: false,
    iconCreateFunction: groupIcon
  });
  map.addLayer(groups);
  // A marker's popup is made when it is first opened (by a click, or Enter
  // from the keyboard): binding one to each of 100,000 markers up front
  // takes seconds. Leaflet opens it by itself after that.
  groups.on("click keypress", function (event) {
    var marker = event.layer;
    var enter = event.type === "click" || event.originalEvent.key === "Enter";
    if (enter && !marker.getPopup()) {
      marker.bindPopup(popup(marker.feature.properties)).openPopup();
    }
  });

  fetch(element.dataset.markers, { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status + " " + response.statusText);
      }
      return response.json();
    })
    .then(function (collection) {
      var markers = L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          var name = feature.properties.name;
          return L.marker(latlng, { title: name, alt: name });
        }
      });
      // Zoom first, so that the markers are grouped once, at that zoom.
      if (markers.getLayers().length) {
        map.fitBounds(markers.getBounds(), { padding: [30, 30], maxZoom: 10, animate: false });
      }
      groups.addLayers(markers.getLayers());
    })
    .catch(showError);
})();
