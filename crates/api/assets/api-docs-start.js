// Renders the OpenAPI document on /api/docs with Swagger UI (served from this
// server, no inline script: the page's Content-Security-Policy allows only 'self').
(function () {
  "use strict";
  SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#reference",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
