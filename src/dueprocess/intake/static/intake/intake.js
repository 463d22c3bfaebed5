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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-upload-progress]").forEach(uploadWithProgress);
    document.querySelectorAll("section[data-job-url]").forEach(followJob);
  });
})();
