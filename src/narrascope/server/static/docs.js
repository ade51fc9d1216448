// Starts Swagger UI (shipped by the fastapi-offline wheel) on this server's OpenAPI schema.
"use strict";
window.addEventListener("load", () => {
  window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
