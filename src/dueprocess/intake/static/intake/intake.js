// Progress for uploads and bulk jobs; the pages work without it (plain form posts).
(function () {
  "use strict";

  function uploadWithProgress(form) {
    var bar = form.querySelector(".upload-progress");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      if (bar) { bar.hidden = false; bar.value = 0; }
      xhr.upload.addEventListener("progress", function (e) {
        if (bar && e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status < 400 && xhr.responseURL) { window.location.assign(xhr.responseURL); return; }
        document.open(); document.write(xhr.responseText); document.close();
      });
      xhr.addEventListener("error", function () { form.submit(); });
      xhr.send(new FormData(form));
    });
  }

  function set(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value; }
  }

  function followJob(section) {
    var url = section.getAttribute("data-job-url");
    if (!url || section.getAttribute("data-finished") === "1") { return; }
    var timer = window.setInterval(function () {
      var xhr = new XMLHttpRequest();
      xhr.open("GET", url);
      xhr.addEventListener("load", function () {
        if (xhr.status !== 200) { return; }
        var job = JSON.parse(xhr.responseText);
        var bar = document.getElementById("job-progress");
        if (bar) { bar.value = job.percent; }
        set("job-percent", job.percent + "%");
        set("job-stage", job.status === "done" || job.status === "failed" ? job.status : (job.stage || "waiting"));
        ["lines", "accepted", "added", "duplicates", "blank", "rejected"].forEach(function (k) { set("job-" + k, job[k]); });
        set("job-message", job.message);
        if (job.status === "done" || job.status === "failed") {
          window.clearInterval(timer);
          window.location.reload();
        }
      });
      xhr.send();
    }, 1000);
  }

  // The checklist of what the instrument still needs; the server checks the same again.
  function filled(form, name) {
    var els = form.querySelectorAll("[name='" + name + "']");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if ((el.type === "checkbox" || el.type === "radio") ? el.checked
          : (el.type === "file" ? el.files && el.files.length > 0 : el.value.trim() !== "")) {
        return true;
      }
    }
    return false;
  }

  function followChecklist(list) {
    var form = document.getElementById("demand-form");
    if (!form) { return; }
    function update() {
      var kinds = [filled(form, "ask_kind") ? form.elements.ask_kind.value : "",
                   filled(form, "also_ask_kind") ? form.elements.also_ask_kind.value : ""];
      list.querySelectorAll("li[data-fields]").forEach(function (li) {
        var asks = (li.getAttribute("data-asks") || "").split(" ").filter(Boolean);
        li.hidden = asks.length > 0 && !asks.some(function (k) { return kinds.indexOf(k) >= 0; });
        var done = li.getAttribute("data-fields").split("|").some(function (group) {
          var names = group.split(" ").filter(Boolean);
          return names.length > 0 && names.every(function (n) { return filled(form, n); });
        });
        li.className = done ? "done" : "todo";
        var state = li.querySelector(".state");
        if (state) {
          state.textContent = (done ? list.getAttribute("data-done") : list.getAttribute("data-todo"))
            || (done ? "Done" : "Still needed");
        }
      });
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  // On the choice of instrument: what the chosen one will need, as the choice changes.
  function followInstrument(select) {
    var data = document.getElementById("instrument-checklists");
    var list = document.getElementById("checklist");
    if (!data || !list) { return; }
    var all = JSON.parse(data.textContent);
    select.addEventListener("change", function () {
      list.textContent = "";
      (all[select.value] || []).forEach(function (item) {
        var li = document.createElement("li");
        li.className = "todo";
        li.textContent = item.label + (item.asks.length
          ? " " + (list.getAttribute("data-for") || "(for {asks})").replace("{asks}", item.asks.join(", "))
          : "");
        list.appendChild(li);
      });
      if (!list.children.length) {
        var none = document.createElement("li");
        none.className = "done";
        none.textContent = list.getAttribute("data-none") || "Nothing beyond the fields marked required.";
        list.appendChild(none);
      }
      var name = document.getElementById("checklist-instrument");
      if (name) { name.textContent = select.value; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var checklist = document.getElementById("checklist");
    if (checklist) { followChecklist(checklist); }
    var chooser = document.getElementById("id_instrument");
    if (chooser) { followInstrument(chooser); }
    document.querySelectorAll("form[data-upload-progress]").forEach(uploadWithProgress);
    document.querySelectorAll("section[data-job-url]").forEach(followJob);
  });
})();
