{
  "targets": [
    {
      "target_name": "parse_columns",
      "sources": ["src/parse_columns.c", "src/runtime.c"],
      "include_dirs": [
        "<!(node -p \"require('path').join(require('path').dirname(require.resolve('tree-sitter/package.json')), 'vendor', 'tree-sitter', 'lib', 'include')\")",
        "<!(node -p \"require('path').join(require('path').dirname(require.resolve('tree-sitter/package.json')), 'vendor', 'tree-sitter', 'lib', 'src')\")"
      ],
      "cflags_c": ["-std=gnu11", "-O2"],
      "conditions": [
        ["OS=='win'", { "defines": ["_CRT_SECURE_NO_WARNINGS"] }]
      ]
    }
  ]
}
