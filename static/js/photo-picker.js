// The editor's photo window: hand the chosen photo back to the rich-text editor
// that opened it (the CKEditor file-browser protocol django-prose-editor speaks).
(function () {
  "use strict";

  function handBack(element) {
    var editor = window.opener && window.opener.CKEDITOR && window.opener.CKEDITOR.tools;
    if (!editor) {
      return;
    }
    editor.callFunction(Number(element.getAttribute("data-callback")), element.getAttribute("data-url"), {
      id: element.getAttribute("data-id"),
      alternative_text: element.getAttribute("data-alt"),
    });
    window.close();
  }

  var chosen = document.getElementById("chosen-photo");
  if (chosen) {
    handBack(chosen);
  }
  document.querySelectorAll(".picker-choice").forEach(function (button) {
    button.addEventListener("click", function () {
      handBack(button);
    });
  });
})();
