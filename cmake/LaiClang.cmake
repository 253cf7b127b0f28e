# Clang LibTooling for lai-verify, the checker that proves the emitted C++ and
# OpenCL C kernels compute the matrix product (generator/lai_verify).
#
# Debian's llvm-14-dev, libclang-14-dev and libclang-cpp14-dev provide the
# CMake packages; without them the checker is skipped with a visible message
# and the rest of the project builds as before.
#
#   LAI_WITH_CLANG_VERIFY     AUTO (default: build when found), ON (required), OFF
#   LAI_VERIFY_ON_REGENERATE  run lai-verify on every kernel each time it is regenerated

set(LAI_CLANG_VERSION 14 CACHE STRING "Major version of the Clang/LLVM development packages lai-verify builds against")
set(LAI_CLANG_ROOT "/usr/lib/llvm-${LAI_CLANG_VERSION}" CACHE PATH "Prefix of the Clang/LLVM development packages")

find_package(Clang CONFIG QUIET HINTS "${LAI_CLANG_ROOT}/lib/cmake/clang")
set(_lai_clang_problem "")
if(NOT Clang_FOUND)
  set(_lai_clang_problem "no Clang CMake package found (install llvm-${LAI_CLANG_VERSION}-dev libclang-${LAI_CLANG_VERSION}-dev libclang-cpp${LAI_CLANG_VERSION}-dev, or set LAI_CLANG_ROOT)")
elseif(NOT LLVM_VERSION_MAJOR EQUAL LAI_CLANG_VERSION)
  set(_lai_clang_problem "found Clang/LLVM ${LLVM_PACKAGE_VERSION} in ${LLVM_DIR}, need ${LAI_CLANG_VERSION}.x (set LAI_CLANG_VERSION/LAI_CLANG_ROOT)")
elseif(NOT TARGET clang-cpp)
  set(_lai_clang_problem "the Clang package has no clang-cpp shared library (install libclang-cpp${LAI_CLANG_VERSION}-dev)")
endif()

# AUTO (the default) builds the checker when the packages are found and
# otherwise skips it with a visible message, without caching the outcome:
# installing the packages later and re-running CMake turns it on.
set(LAI_WITH_CLANG_VERIFY AUTO CACHE STRING
    "Build lai-verify (Clang LibTooling checker of the emitted kernels) and its tests: AUTO, ON or OFF")
set_property(CACHE LAI_WITH_CLANG_VERIFY PROPERTY STRINGS AUTO ON OFF)
option(LAI_VERIFY_ON_REGENERATE "Run lai-verify on every kernel each time lai-gen regenerates it" OFF)

set(_lai_verify_requested "${LAI_WITH_CLANG_VERIFY}")
if(_lai_verify_requested AND NOT _lai_clang_problem STREQUAL "" AND NOT _lai_verify_requested STREQUAL "AUTO")
  message(FATAL_ERROR "LAI_WITH_CLANG_VERIFY=${_lai_verify_requested} but ${_lai_clang_problem}")
endif()
if(_lai_verify_requested STREQUAL "AUTO")
  set(_lai_verify_requested ON)
  if(NOT _lai_clang_problem STREQUAL "")
    set(_lai_verify_requested OFF)
  endif()
endif()
# From here on LAI_WITH_CLANG_VERIFY is a plain ON/OFF for the rest of the
# configure step (tests/lai_verify reads it); the cache keeps what was asked.
if(_lai_verify_requested)
  set(LAI_WITH_CLANG_VERIFY ON)
else()
  set(LAI_WITH_CLANG_VERIFY OFF)
endif()

if(NOT LAI_WITH_CLANG_VERIFY)
  if(_lai_clang_problem STREQUAL "")
    message(STATUS "lai-verify skipped: LAI_WITH_CLANG_VERIFY=OFF; the emitted kernels are not proven by the Clang checker")
  else()
    message(WARNING "lai-verify skipped: ${_lai_clang_problem}. The emitted kernels are not proven by the Clang checker (execution tests still run).")
  endif()
  if(LAI_VERIFY_ON_REGENERATE)
    message(FATAL_ERROR "LAI_VERIFY_ON_REGENERATE=ON needs lai-verify (LAI_WITH_CLANG_VERIFY)")
  endif()
else()
  # Clang's builtin headers (stddef.h, opencl-c.h) live in its resource
  # directory; a LibTooling program must be told where.
  set(LAI_CLANG_RESOURCE_DIR "${LLVM_LIBRARY_DIR}/clang/${LLVM_PACKAGE_VERSION}")
  if(NOT EXISTS "${LAI_CLANG_RESOURCE_DIR}/include/opencl-c.h")
    message(FATAL_ERROR "lai-verify: Clang's resource directory ${LAI_CLANG_RESOURCE_DIR} lacks include/opencl-c.h")
  endif()
  message(STATUS "lai-verify: Clang ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")
endif()

if(LAI_WITH_CLANG_VERIFY)
  add_subdirectory("${PROJECT_SOURCE_DIR}/generator/lai_verify" "${PROJECT_BINARY_DIR}/generator/lai_verify")

  # The C++ and OpenCL C kernels of every scheme this build generates (the
  # default set and LAI_SCHEMES), derived from LAI_GENERATED_SOURCES: a
  # cpp-4x4/cpp-block kernel is its .cpp, an OpenCL kernel is embedded from
  # its .cl by <stem>_cl.cpp. Fortran is checked by execution tests instead.
  #
  # opencl-fast kernels are checked against their scheme's U, V, W: the scheme
  # file is factors/<scheme>.json (LAI_VERIFY_SCHEME_<stem>; without it the
  # test runs without --scheme and fails with "cannot verify", never passes).
  # The GEMM leaf kernels (lai_gemm_*) go to LAI_VERIFY_GEMM_FILES: they are
  # proven per tile configuration (-D options, tests/lai_verify/CMakeLists.txt).
  # LAI_VERIFY_GAP_FILES: kernels refused by design, whose tests pass only when
  # lai-verify REFUSES them with "cannot verify" (documented gaps).
  set(LAI_VERIFY_KERNEL_FILES "")
  set(LAI_VERIFY_GEMM_FILES "")
  set(LAI_VERIFY_GAP_FILES "")
  foreach(src IN LISTS LAI_GENERATED_SOURCES)
    if(src MATCHES "_(cpp4x4|cppblock)_f(32|64)\\.cpp$")
      list(APPEND LAI_VERIFY_KERNEL_FILES "${src}")
    elseif(src MATCHES "_(oclbatched|oclbatchedv|oclfast)_f(32|64)_cl\\.cpp$")
      string(REGEX REPLACE "_cl\\.cpp$" ".cl" cl "${src}")
      list(APPEND LAI_VERIFY_KERNEL_FILES "${cl}")
      if(src MATCHES "/([^/]+)_oclfast_f(32|64)_cl\\.cpp$")
        get_filename_component(_stem "${cl}" NAME_WE)
        set(LAI_VERIFY_SCHEME_${_stem} "")
        if(EXISTS "${PROJECT_SOURCE_DIR}/factors/${CMAKE_MATCH_1}.json")
          set(LAI_VERIFY_SCHEME_${_stem} "${PROJECT_SOURCE_DIR}/factors/${CMAKE_MATCH_1}.json")
        endif()
      endif()
    elseif(src MATCHES "/lai_gemm_nvtf32_f(32|64)_cl\\.cpp$")
      # 3xTF32 approximates the f32 product by design (tf32 roundings inside
      # the mma): no exact identity to prove, a documented gap.
      string(REGEX REPLACE "_cl\\.cpp$" ".cl" cl "${src}")
      list(APPEND LAI_VERIFY_GAP_FILES "${cl}")
    elseif(src MATCHES "/lai_gemm_[a-z0-9]+_f(32|64)_cl\\.cpp$")
      string(REGEX REPLACE "_cl\\.cpp$" ".cl" cl "${src}")
      list(APPEND LAI_VERIFY_GEMM_FILES "${cl}")
    elseif(src MATCHES "_cl\\.cpp$")
      # Any other generated OpenCL file (e.g. lai_svd_jacobi_*: an iterative
      # SVD, not a polynomial identity) is a documented gap: its test passes
      # only while lai-verify refuses it, so nothing generated goes unlisted.
      string(REGEX REPLACE "_cl\\.cpp$" ".cl" cl "${src}")
      list(APPEND LAI_VERIFY_GAP_FILES "${cl}")
    endif()
  endforeach()

  # LAI_VERIFY_ON_REGENERATE: one stamp per kernel file, rebuilt (and so the
  # proof re-run) whenever lai-gen rewrites the file or lai-verify changes;
  # lai_verify_kernels is part of `all` and liblapack_ai waits for it, so a
  # kernel that fails its proof stops the build before it is linked.
  if(LAI_VERIFY_ON_REGENERATE)
    set(stamps "")
    foreach(file IN LISTS LAI_VERIFY_KERNEL_FILES)
      get_filename_component(stem "${file}" NAME_WE)
      set(stamp "${PROJECT_BINARY_DIR}/generated/verified/${stem}.proven")
      add_custom_command(
        OUTPUT "${stamp}"
        COMMAND ${CMAKE_COMMAND} -E make_directory "${PROJECT_BINARY_DIR}/generated/verified"
        COMMAND lai-verify --quiet --stamp "${stamp}" "$<$<BOOL:${LAI_VERIFY_SCHEME_${stem}}>:--scheme=${LAI_VERIFY_SCHEME_${stem}}>" "${file}"
        DEPENDS lai-verify "${file}"
        COMMENT "lai-verify: prove ${stem}"
        VERBATIM)
      list(APPEND stamps "${stamp}")
    endforeach()
    add_custom_target(lai_verify_kernels ALL DEPENDS ${stamps})
    # Generation runs in the target that owns it, never twice in parallel
    # from two targets (Makefile generators would run the rule in both).
    if(TARGET lai_generated_sources)
      add_dependencies(lai_verify_kernels lai_generated_sources)
    endif()
    if(TARGET lapack_ai)
      add_dependencies(lapack_ai lai_verify_kernels)
    endif()
  endif()
endif()
