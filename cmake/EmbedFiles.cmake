# Turns data files (rules/) into a C++ source holding their bytes, so the binary
# carries its built-in rules and runs without an install tree.
function(rebound_embed_files OUT_CC NAMESPACE)
  set(inputs ${ARGN})
  add_custom_command(
    OUTPUT ${OUT_CC}
    COMMAND ${CMAKE_COMMAND} -DOUT=${OUT_CC} -DNS=${NAMESPACE} "-DINPUTS=${inputs}"
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake
    DEPENDS ${inputs} ${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake
    COMMENT "Embedding rule files"
    VERBATIM)
endfunction()
