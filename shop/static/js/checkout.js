// Checkout: the province, city and district selects fill themselves from /regions/<code>/children (without
// JavaScript the "next level" button posts the form back instead). An option's value is the name the order
// keeps; its data-codes are the regions to ask for the level below (a municipality's one city stands for its
// 市辖区 and 县, whose names the page gives in data-municipal).
(function () {
  "use strict";

  function show(nodes, shown) {
    nodes.forEach(function (node) { node.style.display = shown ? "" : "none"; });
  }

  function fill(select, choices) {
    var placeholder = select.options.length ? select.options[0].text : "";
    select.length = 0;
    select.add(new Option(placeholder, ""));
    choices.forEach(function (choice) {
      var option = new Option(choice.name, choice.name);
      if (choice.codes) { option.setAttribute("data-codes", choice.codes); }
      select.add(option);
    });
  }

  function children(url, codes) {
    return Promise.all(codes.map(function (code) {
      return fetch(url.replace("000000", code), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) {
          if (!response.ok) { throw new Error("regions " + response.status); }
          return response.json();
        })
        .then(function (data) { return data.regions || []; });
    })).then(function (lists) { return [].concat.apply([], lists); });
  }

  // The cities a province's children stand for: its prefectures, or the municipality itself as one city.
  function cities(provinceName, regions, municipal) {
    var special = regions.filter(function (region) { return municipal.indexOf(region.name) >= 0; });
    var named = regions.filter(function (region) { return municipal.indexOf(region.name) < 0; });
    var choices = named.map(function (region) { return {name: region.name, codes: region.code}; });
    if (special.length) {
      choices.unshift({name: provinceName, codes: special.map(function (region) { return region.code; }).join(",")});
    }
    return choices;
  }

  document.querySelectorAll("[data-region-picker]").forEach(function (picker) {
    var selects = Array.prototype.slice.call(picker.querySelectorAll("select"));
    var url = picker.getAttribute("data-children-url");
    var municipal = (picker.getAttribute("data-municipal") || "").split(",");
    var step = picker.querySelectorAll("[data-region-step], [data-region-step-hint]");
    if (selects.length !== 3) { return; }
    show(step, false);
    selects.forEach(function (select, index) {
      select.addEventListener("change", function () {
        var below = selects.slice(index + 1);
        below.forEach(function (other) { fill(other, []); });
        var option = select.options[select.selectedIndex];
        var codes = option ? (option.getAttribute("data-codes") || "") : "";
        if (!select.value || !below.length || !codes) { return; }
        children(url, codes.split(","))
          .then(function (regions) {
            var choices = index === 0 ? cities(select.value, regions, municipal)
              : regions.map(function (region) { return {name: region.name}; });
            fill(below[0], choices);
          })
          .catch(function () { show(step, true); });  // offline or refused: the server-rendered step
      });
    });
  });
})();
