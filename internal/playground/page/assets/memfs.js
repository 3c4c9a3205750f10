// The simulator reads the files its drill names (cluster from=…) with Go's
// os package, which under WebAssembly calls globalThis.fs. A page has no
// file system, so this one serves the files the page carries, read-only,
// and sends the simulator's own output to the console as wasm_exec.js
// would. Callbacks are called at once: Go may ask from inside a call the
// page made, where it cannot wait for a later turn of the event loop.
"use strict";
(() => {
  const start = document.getElementById("start").textContent;
  globalThis.swarmsimStart = start;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8");
  const files = new Map();
  for (const [name, text] of Object.entries(JSON.parse(start).files || {})) {
    files.set(name, encoder.encode(text));
  }
  const open = new Map();
  let nextFD = 100;
  let pending = "";
  const fail = (code) => {
    const err = new Error(code);
    err.code = code;
    return err;
  };
  const O_WRONLY = 1, O_RDWR = 2;
  const stat = (size) => ({
    dev: 0, ino: 0, mode: 0o100444, nlink: 1, uid: 0, gid: 0, rdev: 0, size: size,
    blksize: 4096, blocks: Math.ceil(size / 512), atimeMs: 0, mtimeMs: 0, ctimeMs: 0,
    isDirectory: () => false,
  });
  const fs = {
    constants: { O_WRONLY, O_RDWR, O_CREAT: 64, O_TRUNC: 512, O_APPEND: 1024, O_EXCL: 128, O_DIRECTORY: 65536 },
    writeSync(fd, buf) {
      pending += decoder.decode(buf);
      const nl = pending.lastIndexOf("\n");
      if (nl !== -1) {
        console.log(pending.substring(0, nl));
        pending = pending.substring(nl + 1);
      }
      return buf.length;
    },
    write(fd, buf, offset, length, position, callback) {
      if (offset !== 0 || length !== buf.length || position !== null) {
        callback(fail("ENOSYS"));
        return;
      }
      callback(null, this.writeSync(fd, buf));
    },
    open(path, flags, mode, callback) {
      if (flags & (O_WRONLY | O_RDWR)) {
        callback(fail("EROFS"));
      } else if (!files.has(path)) {
        callback(fail("ENOENT"));
      } else {
        open.set(nextFD, { data: files.get(path), pos: 0 });
        callback(null, nextFD++);
      }
    },
    fstat(fd, callback) {
      const f = open.get(fd);
      f ? callback(null, stat(f.data.length)) : callback(fail("EBADF"));
    },
    stat(path, callback) {
      files.has(path) ? callback(null, stat(files.get(path).length)) : callback(fail("ENOENT"));
    },
    read(fd, buffer, offset, length, position, callback) {
      const f = open.get(fd);
      if (!f) {
        callback(fail("EBADF"));
        return;
      }
      const at = position === null ? f.pos : position;
      const n = Math.max(0, Math.min(length, f.data.length - at));
      buffer.set(f.data.subarray(at, at + n), offset);
      if (position === null) {
        f.pos += n;
      }
      callback(null, n);
    },
    close(fd, callback) {
      open.delete(fd);
      callback(null);
    },
    fsync(fd, callback) { callback(null); },
  };
  for (const name of ["chmod", "chown", "fchmod", "fchown", "ftruncate", "lchown", "link", "lstat", "mkdir",
    "readdir", "readlink", "rename", "rmdir", "symlink", "truncate", "unlink", "utimes"]) {
    fs[name] = (...args) => args[args.length - 1](fail("ENOSYS"));
  }
  globalThis.fs = fs;
})();
