// The API documentation page (templates/cooperation/api_docs.html): Swagger
// UI on the OpenAPI description whose address the page gives. A file, not
// an inline script, so that the site's Content-Security-Policy holds.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    // Nothing is sent elsewhere: no badge from the online validator.
    validatorUrl: null,
    // The API is read-only.
    supportedSubmitMethods: ["get", "head"],
    defaultModelsExpandDepth: 0,
  });
})();
