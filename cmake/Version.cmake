# cmake -DSOURCE=dir -DOUTPUT=file.cpp -P Version.cmake
# Writes the git description of the checkout the program is built from (empty
# when it is not built from one), rewriting the file only when it changes.
set(description "")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SOURCE}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE}" describe --always --dirty --tags
                  OUTPUT_VARIABLE description OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
  if(failed)
    set(description "")
  endif()
endif()
string(REGEX REPLACE "[^0-9A-Za-z._+-]" "" description "${description}")
file(WRITE "${OUTPUT}.new" "#include \"version.h\"\nnamespace portal {\nconst char* git_description() { return \"${description}\"; }\n}  // namespace portal\n")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
