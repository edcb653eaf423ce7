// The collection desk: a sheet dropped on the upload form is handed in as if chosen in its file field.
// The page works the same without it (the file field and the button).
(function () {
  "use strict";
  var form = document.querySelector("form[data-drop]");
  if (!form) { return; }
  var input = form.querySelector("input[type=file]");
  ["dragenter", "dragover"].forEach(function (type) {
    form.addEventListener(type, function (event) { event.preventDefault(); form.classList.add("dropping"); });
  });
  form.addEventListener("dragleave", function () { form.classList.remove("dropping"); });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    form.classList.remove("dropping");
    if (!event.dataTransfer || event.dataTransfer.files.length !== 1) { return; }
    input.files = event.dataTransfer.files;
    form.requestSubmit();
  });
}());
