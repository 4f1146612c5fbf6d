// The API documentation page (/docs): Swagger UI from the files shipped with the package, on this server's schema.
// No validator badge (it would be fetched from another site); the token typed under "Authorize" stays in the page.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  showExtensions: true,
  showCommonExtensions: true,
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
