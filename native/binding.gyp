{
  "targets": [
    {
      "target_name": "kestrel_native",
      "sources": ["src/addon.c", "src/probe.c", "src/drain.c"],
      "include_dirs": ["../driver/build", "../driver/shared", "src"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wno-unused-parameter", "-Wno-format-truncation"],
      "libraries": ["-lbpf", "-lelf", "-lz"]
    }
  ]
}
