// The report form's grid of cells (templates/indicators/_report_grid.html): row, column
// and grand totals follow what one types. The server wrote the same totals when it drew
// the page and checks the cells against the report's total when it saves: this only
// keeps the sums in view. Without this script the page works the same.
(function () {
  "use strict";
  var language = document.documentElement.lang || undefined;
  var format = new Intl.NumberFormat(language, { maximumFractionDigits: 2 });

  function number(input) {
    if (input.value.trim() === "") return null;
    var value = Number(input.value.replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function sum(values) {
    var given = values.filter(function (value) { return value !== null; });
    if (!given.length) return null;
    // Cents as whole numbers: 0.1 + 0.2 is 0.3, not 0.30000000000000004.
    return given.reduce(function (a, b) { return a + Math.round(b * 100); }, 0) / 100;
  }

  function show(output, value) {
    output.textContent = value === null ? "" : format.format(value);
  }

  function update(table) {
    var columns = [];
    var all = [];
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var values = Array.prototype.map.call(row.querySelectorAll("input"), number);
      values.forEach(function (value, index) {
        (columns[index] = columns[index] || []).push(value);
        all.push(value);
      });
      var total = row.querySelector("[data-row-total]");
      if (total) show(total, sum(values));
    });
    table.querySelectorAll("[data-column-total]").forEach(function (output) {
      show(output, sum(columns[Number(output.dataset.columnTotal)] || []));
    });
    var grand = table.querySelector("[data-grand-total]");
    if (grand) show(grand, sum(all));
    return { sum: sum(all), complete: all.every(function (value) { return value !== null; }) };
  }

  function check(form) {
    var note = form.querySelector("[data-grid-check]");
    var totalInput = form.querySelector("input[name=total]");
    var problems = [];
    form.querySelectorAll("table.report-grid[data-adds-up]").forEach(function (table) {
      var found = update(table);
      var total = totalInput ? number(totalInput) : null;
      if (total === null || found.sum === null) return;
      if ((found.complete && found.sum !== total) || found.sum > total) {
        problems.push(
          note.dataset.mismatch
            .replace("%(caption)s", table.caption ? table.caption.textContent : "")
            .replace("%(sum)s", format.format(found.sum))
            .replace("%(total)s", format.format(total))
        );
      }
    });
    if (note) note.textContent = problems.join(" ");
  }

  // A percentage's cell: its numerator and denominator, and the percentage they make,
  // worked out as the server does (indicators.models.percentage_of), or nothing while
  // they do not make one.
  function percentages(form) {
    form.querySelectorAll("[data-ratio]").forEach(function (ratio) {
      var inputs = ratio.querySelectorAll("input");
      var output = ratio.querySelector("[data-percentage]");
      if (inputs.length !== 2 || !output) return;
      var part = number(inputs[0]);
      var whole = number(inputs[1]);
      var fits = part !== null && whole !== null && whole > 0 && part >= 0 && part <= whole;
      output.textContent = fits ? format.format(Math.round(part * 10000 / whole) / 100) + " %" : "";
    });
  }

  document.querySelectorAll("form[data-report-grid]").forEach(function (form) {
    form.addEventListener("input", function () { check(form); percentages(form); });
    check(form);
  });
})();
