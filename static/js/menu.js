// 大字模式 on a phone: the header's menu folds under the “菜单” button, so that the page's own content starts
// on the first screen. Loaded right after the header (not deferred) so the page never shows the menu and then
// jumps. Without JavaScript the menu simply stays open.
(function () {
  var header = document.currentScript.closest(".site-header");
  var button = header.querySelector(".menu-toggle");
  header.classList.add("menu-folds");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = header.classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
