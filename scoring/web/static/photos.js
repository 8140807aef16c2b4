// Evidence photos on the phone: several per finding, each shrunk before upload (a 14 MB camera photo
// becomes a few hundred KB), with what the original said kept as metadata: its name, size, sha256, and
// the time and place in its EXIF when the phone recorded them. Without JavaScript the files go as chosen.
(function () {
  "use strict";
  var LONG_SIDE = 1600, QUALITY = 0.82;
  var input = document.getElementById("evidence-input");
  var metaField = document.getElementById("evidence-meta");
  var previews = document.getElementById("evidence-previews");
  if (!input || !metaField || !window.DataTransfer) { return; }
  var form = input.form;
  var chosen = [];  // {file, meta, preview}
  var busy = 0;

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function sha256(buffer) {
    if (!window.crypto || !window.crypto.subtle) { return Promise.resolve(null); }
    return window.crypto.subtle.digest("SHA-256", buffer).then(hex, function () { return null; });
  }

  // EXIF of a JPEG: DateTimeOriginal and the GPS position, or {} when absent or unreadable.
  function exif(buffer) {
    var view = new DataView(buffer), found = {};
    try {
      if (view.getUint16(0) !== 0xffd8) { return found; }
      var at = 2;
      while (at + 4 < view.byteLength) {
        var marker = view.getUint16(at), size = view.getUint16(at + 2);
        if (marker === 0xffe1 && view.getUint32(at + 4) === 0x45786966) { return readTiff(view, at + 10, found); }
        if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) { break; }
        at += 2 + size;
      }
    } catch (e) { /* a damaged EXIF block: keep what was read */ }
    return found;
  }

  function readTiff(view, tiff, found) {
    var little = view.getUint16(tiff) === 0x4949;
    var u16 = function (o) { return view.getUint16(o, little); };
    var u32 = function (o) { return view.getUint32(o, little); };
    var entries = function (ifd) {
      var list = {}, n = u16(tiff + ifd);
      for (var i = 0; i < n; i++) {
        var e = tiff + ifd + 2 + i * 12;
        list[u16(e)] = {type: u16(e + 2), count: u32(e + 4), at: e + 8};
      }
      return list;
    };
    var text = function (e) {
      var start = e.count > 4 ? tiff + u32(e.at) : e.at, s = "";
      for (var i = 0; i < e.count - 1; i++) { s += String.fromCharCode(view.getUint8(start + i)); }
      return s;
    };
    var degrees = function (e) {
      var start = tiff + u32(e.at), parts = [];
      for (var i = 0; i < 3; i++) { parts.push(u32(start + i * 8) / (u32(start + i * 8 + 4) || 1)); }
      return parts[0] + parts[1] / 60 + parts[2] / 3600;
    };
    var ifd0 = entries(u32(tiff + 4));
    if (ifd0[0x8769]) {
      var sub = entries(u32(ifd0[0x8769].at));
      if (sub[0x9003]) {
        var m = /^(\d{4}):(\d\d):(\d\d) (\d\d:\d\d:\d\d)/.exec(text(sub[0x9003]));
        if (m) { found.taken_at = m[1] + "-" + m[2] + "-" + m[3] + "T" + m[4]; }
      }
    }
    if (ifd0[0x8825]) {
      var gps = entries(u32(ifd0[0x8825].at));
      if (gps[2] && gps[4]) {
        var lat = degrees(gps[2]), lon = degrees(gps[4]);
        if (gps[1] && text(gps[1]) === "S") { lat = -lat; }
        if (gps[3] && text(gps[3]) === "W") { lon = -lon; }
        found.latitude = Math.round(lat * 1e6) / 1e6;
        found.longitude = Math.round(lon * 1e6) / 1e6;
      }
    }
    return found;
  }

  function localTime(ms) {
    var d = new Date(ms), pad = function (n) { return ("0" + n).slice(-2); };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function shrink(file) {
    return window.createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); });
    });
  }

  function uniqueName(name) {
    var taken = chosen.map(function (c) { return c.file.name; }), base = name, n = 1;
    while (taken.indexOf(name) >= 0) { n += 1; name = base.replace(/(\.[^.]*)?$/, "-" + n + "$1"); }
    return name;
  }

  function prepare(file) {
    return file.arrayBuffer().then(function (buffer) {
      return sha256(buffer).then(function (digest) {
        var meta = exif(buffer);
        meta.size = file.size;
        meta.sha256 = digest;
        meta.taken_at = meta.taken_at || localTime(file.lastModified);
        var canShrink = /^image\/(jpeg|png|webp)$/.test(file.type) && window.createImageBitmap;
        var made = canShrink ? shrink(file) : Promise.resolve(null);
        return made.then(function (blob) {
          var name = file.name, out = file;
          if (blob && blob.size < file.size) {
            name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
            meta.resized = true;
          } else { blob = null; meta.resized = false; }
          name = uniqueName(name);
          out = new File([blob || file], name, {type: blob ? "image/jpeg" : file.type, lastModified: file.lastModified});
          meta.name = name;
          return {file: out, meta: meta};
        });
      });
    }).catch(function () {
      return {file: new File([file], uniqueName(file.name), {type: file.type}), meta: {name: file.name, resized: false}};
    });
  }

  function render() {
    var transfer = new DataTransfer();
    chosen.forEach(function (c) { transfer.items.add(c.file); });
    input.files = transfer.files;
    metaField.value = JSON.stringify(chosen.map(function (c) { return c.meta; }));
    previews.textContent = "";
    chosen.forEach(function (c, i) {
      var li = document.createElement("li");
      if (c.preview) {
        var img = document.createElement("img");
        img.src = c.preview;
        img.alt = c.file.name;
        li.appendChild(img);
      }
      var caption = document.createElement("span");
      caption.className = "caption";
      caption.textContent = c.file.name + " · " + Math.round(c.file.size / 1024) + " KB";
      li.appendChild(caption);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "small";
      remove.textContent = "✕";
      remove.setAttribute("aria-label", c.file.name);
      remove.addEventListener("click", function () { chosen.splice(i, 1); render(); });
      li.appendChild(remove);
      previews.appendChild(li);
    });
    form.setAttribute("data-photos-ready", busy ? "no" : "yes");
  }

  function preview(file) {
    if (!/^image\//.test(file.type)) { return Promise.resolve(null); }
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { resolve(null); };
      reader.readAsDataURL(file);
    });
  }

  input.addEventListener("change", function () {
    var picked = Array.prototype.slice.call(input.files).filter(function (f) {
      return chosen.every(function (c) { return c.file !== f; });
    });
    if (!picked.length) { return; }
    busy += 1;
    form.setAttribute("data-photos-ready", "no");
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) { b.disabled = true; });
    picked.reduce(function (done, file) {
      return done.then(function () {
        return prepare(file).then(function (c) {
          return preview(c.file).then(function (url) { c.preview = url; chosen.push(c); });
        });
      });
    }, Promise.resolve()).then(function () {
      busy -= 1;
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) { b.disabled = false; });
      render();
    });
  });

  // The outbox reads what is chosen when a finding is kept offline.
  window.fieldPhotos = {
    files: function () { return chosen.map(function (c) { return c.file; }); },
    meta: function () { return metaField.value; },
    clear: function () { chosen = []; render(); }
  };
})();
