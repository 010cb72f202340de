// Sorts the group table by a clicked column: numbers by value, text by name; the totals stay below.
document.querySelectorAll("table.groups th button").forEach(function (btn, col) {
  btn.addEventListener("click", function () {
    var th = btn.parentNode, table = th.closest("table"), body = table.tBodies[0];
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var num = th.classList.contains("num");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].textContent, y = b.cells[col].textContent, c;
      if (num) {
        c = (x === "" ? -Infinity : parseFloat(x)) - (y === "" ? -Infinity : parseFloat(y));
      } else {
        c = x.localeCompare(y);
      }
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
