# Warning flags every target of ours uses; the build is expected to be clean.
function(lai_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C,CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion>
    $<$<COMPILE_LANGUAGE:Fortran>:-Wall -Wextra>)
  # GCC 12 reports -Wrestrict inside libstdc++'s char_traits for ordinary
  # std::string concatenation at -O2/-O3 (GCC bugs 105329 and 105651, fixed
  # in GCC 13): a false positive in the standard library, not in our code.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
  endif()
endfunction()

# Sanitizers (LAI_SANITIZE) for the generator library and its tests.
function(lai_sanitize target)
  if(LAI_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${LAI_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${LAI_SANITIZE})
  endif()
endfunction()
