// The organization application: the region selects fill themselves from /regions/<code>/children (without
// JavaScript the "next level" button posts the form back instead), and the invoice title and tax number follow
// the name and the credit code until the applicant types something else in them.
(function () {
  "use strict";

  // style, not the hidden attribute: the button's own CSS would show it anyway.
  function show(nodes, shown) {
    nodes.forEach(function (node) { node.style.display = shown ? "" : "none"; });
  }

  function fill(select, regions, placeholder) {
    select.length = 0;
    select.add(new Option(placeholder, ""));
    regions.forEach(function (region) { select.add(new Option(region.name, region.code)); });
    select.disabled = regions.length === 0;
  }

  document.querySelectorAll("[data-region-picker]").forEach(function (picker) {
    var selects = Array.prototype.slice.call(picker.querySelectorAll("select"));
    var url = picker.getAttribute("data-children-url");
    var step = picker.querySelectorAll("[data-region-step], [data-region-step-hint]");
    show(step, false);
    selects.forEach(function (select, index) {
      var placeholder = select.options.length ? select.options[0].text : "";
      select.addEventListener("change", function () {
        var below = selects.slice(index + 1);
        below.forEach(function (other) { fill(other, [], placeholder); });
        if (!select.value || !below.length) { return; }
        fetch(url.replace("000000", select.value), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
          .then(function (response) { return response.ok ? response.json() : {regions: []}; })
          .then(function (data) { fill(below[0], data.regions || [], placeholder); })
          .catch(function () { show(step, true); });  // offline or refused: the server-rendered step
      });
    });
  });

  document.querySelectorAll("[data-prefill-from]").forEach(function (target) {
    var source = document.getElementById(target.getAttribute("data-prefill-from"));
    if (!source) { return; }
    var following = !target.value || target.value === source.value;
    source.addEventListener("input", function () {
      if (following) { target.value = source.value; }
    });
    target.addEventListener("input", function () {
      following = !target.value || target.value === source.value;
    });
  });
})();
