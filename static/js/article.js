// Article page enhancements; the page works without them.
(function () {
  "use strict";

  // “返回上页”: go back in history when the reader came from this site,
  // otherwise follow the link to the article's column.
  document.querySelectorAll("[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var cameFromHere = document.referrer && new URL(document.referrer).origin === window.location.origin;
      if (cameFromHere && window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  });

  // “分享给亲友”: the phone's share sheet where there is one, else copy the address.
  document.querySelectorAll("[data-share]").forEach(function (button) {
    var canShare = typeof navigator.share === "function";
    var canCopy = navigator.clipboard && typeof navigator.clipboard.writeText === "function";
    if (!canShare && !canCopy) {
      return;
    }
    button.hidden = false;
    button.classList.remove("js-only");
    button.addEventListener("click", function () {
      var url = button.getAttribute("data-url");
      if (canShare) {
        navigator.share({ title: button.getAttribute("data-title"), url: url }).catch(function () {});
      } else {
        navigator.clipboard.writeText(url).then(function () {
          button.textContent = button.getAttribute("data-copied");  // translated in the template
        });
      }
    });
  });
})();
