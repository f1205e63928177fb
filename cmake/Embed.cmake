# cmake -DOUTPUT=file.cpp -DFUNCTION=name -P Embed.cmake -- FILE...
# Writes the files into a C++ source as byte arrays (no text escaping to get
# wrong), with `name()` (declared in name.h) giving each file's bytes by its
# name without its folder: "editor.css".
function(embed_bytes file name out)
  file(READ "${file}" hex HEX)
  string(LENGTH "${hex}" length)
  math(EXPR size "${length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  set(${out} "const char ${name}[] = {${bytes}'\\0'};\nconstexpr std::size_t ${name}_size = ${size};\n" PARENT_SCOPE)
endfunction()

# The files are the arguments after "--".
set(arrays "")
set(entries "")
set(count 0)
set(after_dashes FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  set(argument "${CMAKE_ARGV${i}}")
  if(after_dashes)
    embed_bytes("${argument}" file${count} bytes)
    get_filename_component(name "${argument}" NAME)
    string(APPEND arrays "${bytes}")
    string(APPEND entries "      {\"${name}\", {file${count}, file${count}_size}},\n")
    math(EXPR count "${count} + 1")
  elseif(argument STREQUAL "--")
    set(after_dashes TRUE)
  endif()
endforeach()

file(WRITE "${OUTPUT}.new"
  "#include \"${FUNCTION}.h\"\n#include <cstddef>\nnamespace portal {\nnamespace {\n${arrays}}  // namespace\n"
  "const std::map<std::string_view, std::string_view>& ${FUNCTION}() {\n"
  "  static const std::map<std::string_view, std::string_view> files = {\n${entries}  };\n"
  "  return files;\n}\n}  // namespace portal\n")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
