// Starts Swagger UI on the API documentation page with the app's OpenAPI document.
(function () {
  var element = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: element.dataset.specUrl, domNode: element, deepLinking: true });
})();
