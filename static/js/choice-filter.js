// The long lists of checkboxes (core.widgets.ChoiceFilter): a box that filters the options
// as one types, ignoring case and accents ("educacio" finds "Educació"), hides the groups
// left empty, and a count of the options chosen. Without this script the list is the same
// grouped checkboxes, all shown. Hidden options keep their state and are sent as they are.
(function () {
  "use strict";

  // More options than this and the filter box is shown; a short list needs none.
  var FILTER_FROM = 10;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUp(root) {
    var tools = root.querySelector(".choice-filter-tools");
    var input = tools.querySelector("input");
    var count = root.querySelector(".choice-count");
    var none = root.querySelector(".choice-none");
    var options = Array.prototype.map.call(root.querySelectorAll("label.choice"), function (label) {
      var group = label.closest("fieldset.choice-group");
      var legend = group ? group.querySelector("legend").textContent : "";
      // The group's name counts as the option's words: "ICESCR 11" finds article 11.
      return { label: label, group: group, box: label.querySelector("input"),
               text: fold(legend + " " + label.textContent) };
    });
    var groups = Array.prototype.slice.call(root.querySelectorAll("fieldset.choice-group"));

    function showCount() {
      var chosen = options.filter(function (o) { return o.box.checked; }).length;
      count.textContent = chosen === 1 ? count.dataset.one : count.dataset.other.replace("0", chosen);
    }

    function filter() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (o) {
        var match = words.every(function (word) { return o.text.indexOf(word) !== -1; });
        o.label.hidden = !match;
        if (match) { shown += 1; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("label.choice:not([hidden])");
      });
      none.hidden = shown > 0;
    }

    root.addEventListener("change", showCount);
    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // filtering, not sending the form
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        filter();
      }
    });
    if (options.length > FILTER_FROM) {
      tools.hidden = false;
    }
    showCount();
  }

  document.querySelectorAll("[data-choice-filter]").forEach(setUp);
})();
