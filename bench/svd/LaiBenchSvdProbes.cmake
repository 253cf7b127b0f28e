# Probes for the optional internal entries of device_hooks.h: each probe is
# compiled (not linked) against the runtime's headers; the macro is defined
# for lai_bench_svd.cpp only when it compiles. Sets LAI_BENCH_SVD_DEFS in the
# caller's scope. Used by bench/svd/CMakeLists.txt and bench/CMakeLists.txt.
function(lai_bench_svd_probes_dirs)
  set(dirs ${ARGN})
  set(defs "")
  set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
  set(here "${CMAKE_CURRENT_FUNCTION_LIST_DIR}")
  foreach(probe jacobi_device svd_stages)
    string(TOUPPER "${probe}" up)
    try_compile(ok "${CMAKE_CURRENT_BINARY_DIR}/lai_bench_svd_probe_${probe}"
      SOURCES "${here}/probe_${probe}.cpp"
      CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${here};${dirs}"
      COMPILE_DEFINITIONS -DCL_TARGET_OPENCL_VERSION=120 -DLAI_BENCH_HAVE_${up}
      CXX_STANDARD 20
      OUTPUT_VARIABLE log)
    if(ok)
      list(APPEND defs LAI_BENCH_HAVE_${up})
      message(STATUS "lai-bench-svd: internal entry ${probe} found: timed")
    else()
      message(STATUS "lai-bench-svd: internal entry ${probe} not found (or its signature changed): see bench/svd/device_hooks.h")
    endif()
  endforeach()
  set(LAI_BENCH_SVD_DEFS ${defs} PARENT_SCOPE)
endfunction()

function(lai_bench_svd_probes target)
  get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  get_target_property(cl OpenCL::OpenCL INTERFACE_INCLUDE_DIRECTORIES)
  lai_bench_svd_probes_dirs(${dirs} ${cl})
  set(LAI_BENCH_SVD_DEFS ${LAI_BENCH_SVD_DEFS} PARENT_SCOPE)
endfunction()
