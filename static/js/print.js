// “打印本页”: open the browser's print dialog (the page's print styles do the rest).
document.querySelectorAll("[data-print]").forEach(function (link) {
  link.addEventListener("click", function (event) {
    event.preventDefault();
    window.print();
  });
});
