{
  "targets": [
    {
      "target_name": "tuml_host",
      "sources": ["tuml_host.cc", "dirfd.cc", "fs.cc", "net.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-lutil"]
    }
  ]
}
