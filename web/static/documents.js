// Tutor's Documents page: drag-and-drop upload, one request per file with its own progress bar.
// Without this script the upload form still works as a plain multipart form post.
(function () {
	"use strict";
	var form = document.querySelector("[data-upload-form]");
	if (!form || !window.FormData || !window.XMLHttpRequest) {
		return;
	}
	var input = form.querySelector("input[type=file]");
	var zone = form.querySelector("[data-drop-zone]");
	var list = form.querySelector("[data-upload-list]");
	var csrf = form.querySelector("input[name=_csrf]").value;
	var msg = form.dataset;

	zone.addEventListener("dragover", function (e) {
		e.preventDefault();
		zone.classList.add("over");
	});
	zone.addEventListener("dragleave", function () {
		zone.classList.remove("over");
	});
	zone.addEventListener("drop", function (e) {
		e.preventDefault();
		zone.classList.remove("over");
		uploadAll(e.dataTransfer.files);
	});
	input.addEventListener("change", function () {
		uploadAll(input.files);
		input.value = "";
	});
	form.addEventListener("submit", function (e) {
		e.preventDefault();
		uploadAll(input.files);
		input.value = "";
	});

	// uploadAll sends the files one after another, then reloads the document list once.
	function uploadAll(files) {
		var queue = Array.prototype.slice.call(files || []);
		if (queue.length === 0) {
			return;
		}
		var rows = queue.map(row);
		var i = 0;
		(function next() {
			if (i >= queue.length) {
				refreshList();
				return;
			}
			var n = i++;
			upload(queue[n], rows[n], next);
		})();
	}

	function row(file) {
		var li = document.createElement("li");
		li.setAttribute("data-testid", "upload-item");
		var name = document.createElement("span");
		name.className = "upload-name";
		name.textContent = file.name;
		var bar = document.createElement("progress");
		bar.max = 1;
		bar.value = 0;
		var status = document.createElement("span");
		status.className = "upload-status muted";
		status.setAttribute("data-testid", "upload-status");
		li.append(name, bar, status);
		list.append(li);
		return { li: li, bar: bar, status: status };
	}

	function upload(file, r, done) {
		var xhr = new XMLHttpRequest();
		xhr.open("POST", form.action);
		xhr.setRequestHeader("Accept", "application/json");
		xhr.setRequestHeader("X-CSRF-Token", csrf);
		r.status.textContent = msg.msgSending;
		xhr.upload.addEventListener("progress", function (e) {
			if (e.lengthComputable) {
				r.bar.value = e.loaded / e.total;
			}
		});
		xhr.addEventListener("load", function () {
			var body = null;
			try {
				body = JSON.parse(xhr.responseText);
			} catch (err) {
				body = null;
			}
			if (xhr.status >= 200 && xhr.status < 300 && body && body.documents) {
				r.bar.value = 1;
				r.li.classList.add("ok");
				r.li.dataset.state = "ok";
				var dup = body.documents.some(function (d) { return d.duplicate; });
				r.status.textContent = dup ? msg.msgDuplicate : msg.msgIndexed;
			} else {
				r.li.classList.add("failed");
				r.li.dataset.state = "failed";
				var text = body && body.error ? body.error.message : xhr.statusText;
				r.status.textContent = msg.msgFailed + " (" + xhr.status + "): " + text;
			}
			done();
		});
		xhr.addEventListener("error", function () {
			r.li.classList.add("failed");
			r.li.dataset.state = "failed";
			r.status.textContent = msg.msgNetwork;
			done();
		});
		var fd = new FormData();
		fd.append("files", file, file.name);
		xhr.send(fd);
	}

	// refreshList swaps in the current list of documents without reloading the page.
	function refreshList() {
		if (window.htmx) {
			window.htmx.ajax("GET", "/documents", { target: "#documents-list", select: "#documents-list", swap: "outerHTML" });
		}
	}
})();
