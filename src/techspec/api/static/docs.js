// Starts Swagger UI on /api/v1/docs.  A file, not an inline script: the page's
// Content-Security-Policy runs scripts from this server only.  The document's URL is
// relative to the page, so the docs work under any path prefix.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "openapi.json",
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
