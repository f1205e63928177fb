# cmake -DOUTPUT=file.cpp -DCSS=editor.css -DJS=editor.js -P Embed.cmake
# Writes the two files into a C++ source as byte arrays (no text escaping to get wrong).
function(embed_bytes file name out)
  file(READ "${file}" hex HEX)
  string(LENGTH "${hex}" length)
  math(EXPR size "${length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  set(${out} "const char ${name}[] = {${bytes}'\\0'};\nconstexpr std::size_t ${name}_size = ${size};\n" PARENT_SCOPE)
endfunction()
embed_bytes("${CSS}" css_bytes css)
embed_bytes("${JS}" js_bytes js)
file(WRITE "${OUTPUT}.new" "#include \"editor_assets.h\"\n#include <cstddef>\nnamespace portal {\nnamespace {\n${css}${js}}  // namespace\n"
  "std::string_view editor_css() { return {css_bytes, css_bytes_size}; }\n"
  "std::string_view editor_js() { return {js_bytes, js_bytes_size}; }\n}  // namespace portal\n")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
