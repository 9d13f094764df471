// Draws every chart placed by the dt-chart directive; appended to the vendored vega bundle.
window.dtDrawCharts = function () {
  document.querySelectorAll("div.dt-vega:not([data-drawn])").forEach(function (div) {
    div.setAttribute("data-drawn", "pending");
    var spec = JSON.parse(div.nextElementSibling.textContent);
    window.dtVegaEmbed(div, spec, {
      renderer: "svg",
      actions: { export: true, source: false, compiled: false, editor: false },
      i18n: { PNG_ACTION: "保存为 PNG", SVG_ACTION: "保存为 SVG", CLICK_TO_VIEW_ACTIONS: "导出" }
    }).then(function () {
      // vega-embed's export menu opens from an icon-only <summary>: give it a name for screen readers.
      var summary = div.querySelector("details > summary");
      if (summary) summary.setAttribute("aria-label", "导出图表");
      div.setAttribute("data-drawn", "done");
    }).catch(function (error) {
      div.setAttribute("data-drawn", "failed");
      div.textContent = "图表未能绘制：" + error;
    });
  });
};
