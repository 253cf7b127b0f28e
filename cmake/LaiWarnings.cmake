# Warning flags every target of ours uses; the build is expected to be clean.
function(lai_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C,CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion>
    $<$<COMPILE_LANGUAGE:Fortran>:-Wall -Wextra>)
endfunction()

# Sanitizers (LAI_SANITIZE) for the generator library and its tests.
function(lai_sanitize target)
  if(LAI_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${LAI_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${LAI_SANITIZE})
  endif()
endfunction()
