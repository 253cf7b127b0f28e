# Build-time regeneration of kernels from scheme files.
#
# Every build runs `lai-gen emit` (which verifies the scheme first) for the
# default schemes and for the user's LAI_SCHEMES, into <build>/generated, and
# the results are compiled into liblapack_ai. The outputs depend on lai-gen,
# the templates and the factor file, so editing any of them regenerates.
#
# Public function, for users who bring their own factor files:
#
#   lai_add_scheme_kernels(NAME <scheme-name> SCHEME <file[:entry]>
#                          [TARGETS cpp-4x4 cpp-block fortran opencl-batched
#                                   opencl-batched-v opencl-fast]
#                          [DTYPES f64 f32] [FORTRAN_NAMES DGEMM_ALPHA SGEMM_ALPHA])
#
# NAME is the <source>_<m>x<k>x<n>_r<rank> name used for files and symbols
# (`lai-gen info FILE` prints a file's own name; lai-gen refuses a NAME whose
# shape or rank differs from the scheme's). Each call appends the generated
# sources to LAI_GENERATED_SOURCES and registers the scheme in the kernel
# registry that the runtime reads (lai_set_scheme / LAI_SCHEME select it).
#
# From the command line: -DLAI_SCHEMES="alphatensor_4x4x4_r49=/path/factorizations_r.npz:4,4,4;..."
# (NAME=FILE[:ENTRY] items) generates cpp-4x4, cpp-block and opencl-batched
# kernels in both dtypes for each.

set(LAI_GENERATED_DIR "${PROJECT_BINARY_DIR}/generated")
set(LAI_GENERATED_INCLUDE_DIR "${LAI_GENERATED_DIR}")
set(LAI_GENERATED_SOURCES "")
set(LAI_SNAPSHOT_FILES "")     # outputs of the default set, mirrored in generated/
set_property(GLOBAL PROPERTY LAI_REGISTRY_ENTRIES "")
include(LaiGpuSourceTable)
set_property(GLOBAL PROPERTY LAI_GPU_SOURCE_NAMES "")  # embedded GPU kernels (lai_gpu_sources.cpp)
file(MAKE_DIRECTORY "${LAI_GENERATED_DIR}")
file(GLOB LAI_TEMPLATE_FILES CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/templates/*")

# Stem of the files lai-gen writes (must match output_stem() in emit.cpp).
function(_lai_stem out name target dtype)
  string(REPLACE "-" "" t "${target}")
  if(t STREQUAL "openclbatched")
    set(t "oclbatched")
  elseif(t STREQUAL "openclbatchedv")
    set(t "oclbatchedv")
  elseif(t STREQUAL "openclfast")
    set(t "oclfast")
  endif()
  set(${out} "${name}_${t}_${dtype}" PARENT_SCOPE)
endfunction()

# Embeds <build>/generated/<stem>.cl as lai_<stem>_source and lists it in the
# GPU source table (lai_write_gpu_sources).
function(_lai_embed_gpu_source stem)
  set(embed "${LAI_GENERATED_DIR}/${stem}_cl.cpp")
  add_custom_command(
    OUTPUT "${embed}"
    COMMAND ${CMAKE_COMMAND} -DIN=${LAI_GENERATED_DIR}/${stem}.cl -DOUT=${embed} -DSYMBOL=lai_${stem}_source
            -P "${PROJECT_SOURCE_DIR}/cmake/LaiEmbedText.cmake"
    DEPENDS "${LAI_GENERATED_DIR}/${stem}.cl" "${PROJECT_SOURCE_DIR}/cmake/LaiEmbedText.cmake"
    COMMENT "embed ${stem}.cl"
    VERBATIM)
  get_property(names GLOBAL PROPERTY LAI_GPU_SOURCE_NAMES)
  list(APPEND names "${stem}")
  set_property(GLOBAL PROPERTY LAI_GPU_SOURCE_NAMES "${names}")
endfunction()

# GPU GEMM kernels from a kernel spec (factors/gpu/*.json, docs/gpu.md):
#   lai_add_gemm_kernel(SPEC <file.json> NAME <spec name> DTYPES f64 [f32])
# emits <NAME>_<dtype>.cl with `lai-gen gemm-kernel` and embeds it.
function(lai_add_gemm_kernel)
  cmake_parse_arguments(ARG "SNAPSHOT" "SPEC;NAME" "DTYPES" ${ARGN})
  set(sources "")
  set(snapshot "")
  foreach(dtype IN LISTS ARG_DTYPES)
    set(stem "${ARG_NAME}_${dtype}")
    add_custom_command(
      OUTPUT "${LAI_GENERATED_DIR}/${stem}.cl"
      COMMAND lai-gen gemm-kernel --spec "${ARG_SPEC}" --dtype ${dtype} -o "${LAI_GENERATED_DIR}"
              --templates "${PROJECT_SOURCE_DIR}/templates"
      DEPENDS lai-gen ${LAI_TEMPLATE_FILES} "${ARG_SPEC}"
      COMMENT "lai-gen: GEMM kernel ${stem} from ${ARG_SPEC}"
      VERBATIM)
    _lai_embed_gpu_source("${stem}")
    list(APPEND sources "${LAI_GENERATED_DIR}/${stem}_cl.cpp")
    list(APPEND snapshot "${LAI_GENERATED_DIR}/${stem}.cl")
  endforeach()
  set(LAI_GENERATED_SOURCES ${LAI_GENERATED_SOURCES} ${sources} PARENT_SCOPE)
  if(ARG_SNAPSHOT)
    set(LAI_SNAPSHOT_FILES ${LAI_SNAPSHOT_FILES} ${snapshot} PARENT_SCOPE)
  endif()
endfunction()

# SVD kernels from an SVD kernel spec (factors/svd/*.json, docs/svd.md):
#   lai_add_svd_kernel(SPEC <file.json> NAME <spec name> DTYPES f64 [f32])
# emits <NAME>_<dtype>.cl with `lai-gen svd-kernel` and embeds it.
function(lai_add_svd_kernel)
  cmake_parse_arguments(ARG "SNAPSHOT" "SPEC;NAME" "DTYPES" ${ARGN})
  set(sources "")
  set(snapshot "")
  foreach(dtype IN LISTS ARG_DTYPES)
    set(stem "${ARG_NAME}_${dtype}")
    add_custom_command(
      OUTPUT "${LAI_GENERATED_DIR}/${stem}.cl"
      COMMAND lai-gen svd-kernel --spec "${ARG_SPEC}" --dtype ${dtype} -o "${LAI_GENERATED_DIR}"
              --templates "${PROJECT_SOURCE_DIR}/templates"
      DEPENDS lai-gen ${LAI_TEMPLATE_FILES} "${ARG_SPEC}"
      COMMENT "lai-gen: SVD kernel ${stem} from ${ARG_SPEC}"
      VERBATIM)
    _lai_embed_gpu_source("${stem}")
    list(APPEND sources "${LAI_GENERATED_DIR}/${stem}_cl.cpp")
    list(APPEND snapshot "${LAI_GENERATED_DIR}/${stem}.cl")
  endforeach()
  set(LAI_GENERATED_SOURCES ${LAI_GENERATED_SOURCES} ${sources} PARENT_SCOPE)
  if(ARG_SNAPSHOT)
    set(LAI_SNAPSHOT_FILES ${LAI_SNAPSHOT_FILES} ${snapshot} PARENT_SCOPE)
  endif()
endfunction()

# Writes <build>/generated/lai_gpu_sources.cpp (runtime/src/opencl/gpu_sources.h).
function(lai_write_gpu_sources)
  get_property(names GLOBAL PROPERTY LAI_GPU_SOURCE_NAMES)
  lai_gpu_source_table("${LAI_GENERATED_DIR}/lai_gpu_sources.cpp" ${names})
  set(LAI_GENERATED_SOURCES ${LAI_GENERATED_SOURCES} "${LAI_GENERATED_DIR}/lai_gpu_sources.cpp" PARENT_SCOPE)
endfunction()

function(lai_add_scheme_kernels)
  cmake_parse_arguments(ARG "SNAPSHOT" "NAME;SCHEME" "TARGETS;DTYPES;FORTRAN_NAMES" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_SCHEME)
    message(FATAL_ERROR "lai_add_scheme_kernels: NAME and SCHEME are required (got NAME='${ARG_NAME}' SCHEME='${ARG_SCHEME}')")
  endif()
  if(NOT ARG_TARGETS)
    set(ARG_TARGETS cpp-4x4 cpp-block opencl-batched)
  endif()
  if(NOT ARG_DTYPES)
    set(ARG_DTYPES f64 f32)
  endif()
  # The file part of FILE[:ENTRY] (an entry never contains '/').
  string(REGEX REPLACE ":[^/]*$" "" scheme_file "${ARG_SCHEME}")
  if(scheme_file MATCHES "\\.sms$" OR EXISTS "${scheme_file}_L.sms")
    string(REGEX REPLACE "_[LRP]\\.sms$" "" prefix "${scheme_file}")
    set(scheme_deps "${prefix}_L.sms" "${prefix}_R.sms" "${prefix}_P.sms")
  else()
    set(scheme_deps "${scheme_file}")
  endif()
  foreach(dep IN LISTS scheme_deps)
    if(NOT EXISTS "${dep}")
      message(FATAL_ERROR "lai_add_scheme_kernels(${ARG_NAME}): scheme file '${dep}' does not exist")
    endif()
  endforeach()

  set(sources "")
  set(snapshot "")
  set(entry_fields "")
  foreach(dtype IN LISTS ARG_DTYPES)
    foreach(target IN LISTS ARG_TARGETS)
      _lai_stem(stem "${ARG_NAME}" "${target}" "${dtype}")
      set(extra "")
      if(target STREQUAL "fortran")
        set(outs "${LAI_GENERATED_DIR}/${stem}.f90")
        list(LENGTH ARG_FORTRAN_NAMES nfn)
        if(nfn GREATER 0)
          list(FIND ARG_DTYPES "${dtype}" di)
          list(GET ARG_FORTRAN_NAMES ${di} fname)
          set(extra --fortran-name "${fname}")
        endif()
      elseif(target MATCHES "^opencl-")
        set(outs "${LAI_GENERATED_DIR}/${stem}.cl")
      else()
        set(outs "${LAI_GENERATED_DIR}/${stem}.cpp" "${LAI_GENERATED_DIR}/${stem}.h")
      endif()
      add_custom_command(
        OUTPUT ${outs}
        COMMAND lai-gen emit --scheme "${ARG_SCHEME}" --name "${ARG_NAME}" --target ${target} --dtype ${dtype}
                -o "${LAI_GENERATED_DIR}" --templates "${PROJECT_SOURCE_DIR}/templates" ${extra}
        DEPENDS lai-gen ${LAI_TEMPLATE_FILES} ${scheme_deps}
        COMMENT "lai-gen: verify ${ARG_NAME} and emit ${target} ${dtype}"
        VERBATIM)
      list(APPEND snapshot ${outs})
      if(target MATCHES "^opencl-(batched-v|fast)$")
        _lai_embed_gpu_source("${stem}")
        list(APPEND sources "${LAI_GENERATED_DIR}/${stem}_cl.cpp")
      elseif(target STREQUAL "opencl-batched")
        # The runtime builds OpenCL programs from source at run time; embed
        # the text as a C string in its own generated translation unit.
        set(embed "${LAI_GENERATED_DIR}/${stem}_cl.cpp")
        add_custom_command(
          OUTPUT "${embed}"
          COMMAND ${CMAKE_COMMAND} -DIN=${LAI_GENERATED_DIR}/${stem}.cl -DOUT=${embed} -DSYMBOL=lai_${stem}_source
                  -P "${PROJECT_SOURCE_DIR}/cmake/LaiEmbedText.cmake"
          DEPENDS "${LAI_GENERATED_DIR}/${stem}.cl" "${PROJECT_SOURCE_DIR}/cmake/LaiEmbedText.cmake"
          COMMENT "embed ${stem}.cl"
          VERBATIM)
        list(APPEND sources "${embed}")
      else()
        list(FILTER outs INCLUDE REGEX "\\.(cpp|f90)$")
        list(APPEND sources ${outs})
      endif()
    endforeach()
  endforeach()

  # Registry entry: one initializer of lai_scheme_kernels (kernel_registry.h).
  string(REGEX MATCH "_([0-9]+)x([0-9]+)x([0-9]+)_r([0-9]+)$" _ "${ARG_NAME}")
  set(m ${CMAKE_MATCH_1})
  set(k ${CMAKE_MATCH_2})
  set(n ${CMAKE_MATCH_3})
  set(rank ${CMAKE_MATCH_4})
  set(decls "")
  set(fields "\"${ARG_NAME}\", ${m}, ${k}, ${n}, ${rank}")
  foreach(spec "cpp-4x4;f64;k" "cpp-4x4;f64;k0" "cpp-4x4;f32;k" "cpp-4x4;f32;k0"
               "cpp-block;f64;b" "cpp-block;f64;w" "cpp-block;f32;b" "cpp-block;f32;w"
               "opencl-batched;f64;s" "opencl-batched;f32;s" "opencl-batched;f64;n" "opencl-batched;f32;n"
               "cpp-block;f64;t" "cpp-block;f32;t"
               "cpp-4x4;f64;r" "cpp-4x4;f64;r0" "cpp-4x4;f32;r" "cpp-4x4;f32;r0")
    list(GET spec 0 target)
    list(GET spec 1 dtype)
    list(GET spec 2 what)
    _lai_stem(stem "${ARG_NAME}" "${target}" "${dtype}")
    if(target IN_LIST ARG_TARGETS AND dtype IN_LIST ARG_DTYPES)
      if(what STREQUAL "k" OR what STREQUAL "b")
        string(APPEND fields ", lai_${stem}")
        string(APPEND decls "#include \"${stem}.h\"\n")
      elseif(what STREQUAL "k0")
        string(APPEND fields ", lai_${stem}_beta0")
      elseif(what STREQUAL "r")
        string(APPEND fields ", lai_${stem}_rowmajor")
      elseif(what STREQUAL "r0")
        string(APPEND fields ", lai_${stem}_rowmajor_beta0")
      elseif(what STREQUAL "t")
        string(APPEND fields ", lai_${stem}_tables")
      elseif(what STREQUAL "w")
        string(APPEND fields ", lai_${stem}_workspace")
      elseif(what STREQUAL "s")
        string(APPEND fields ", lai_${stem}_source")
        string(APPEND decls "extern \"C\" const char lai_${stem}_source[];\n")
      else()
        string(APPEND fields ", \"lai_${stem}\"")
      endif()
    else()
      string(APPEND fields ", nullptr")
    endif()
  endforeach()
  get_property(entries GLOBAL PROPERTY LAI_REGISTRY_ENTRIES)
  list(APPEND entries "${ARG_NAME}")
  set_property(GLOBAL PROPERTY LAI_REGISTRY_ENTRIES "${entries}")
  set_property(GLOBAL PROPERTY LAI_REGISTRY_DECLS_${ARG_NAME} "${decls}")
  set_property(GLOBAL PROPERTY LAI_REGISTRY_FIELDS_${ARG_NAME} "${fields}")

  set(LAI_GENERATED_SOURCES ${LAI_GENERATED_SOURCES} ${sources} PARENT_SCOPE)
  if(ARG_SNAPSHOT)
    set(LAI_SNAPSHOT_FILES ${LAI_SNAPSHOT_FILES} ${snapshot} PARENT_SCOPE)
  endif()
endfunction()

# Writes <build>/generated/lai_kernel_registry.cpp from the schemes added so
# far and appends it to LAI_GENERATED_SOURCES.
function(lai_write_kernel_registry default_name)
  get_property(entries GLOBAL PROPERTY LAI_REGISTRY_ENTRIES)
  list(FIND entries "${default_name}" default_index)
  if(default_index LESS 0)
    message(FATAL_ERROR "LAI_DEFAULT_SCHEME='${default_name}' is not one of the schemes built: ${entries}")
  endif()
  set(text "// Generated by CMake (cmake/LaiSchemes.cmake) from the schemes built into liblapack_ai -- do not edit.\n")
  string(APPEND text "#include \"cpu/kernel_registry.h\"\n")
  foreach(name IN LISTS entries)
    get_property(decls GLOBAL PROPERTY LAI_REGISTRY_DECLS_${name})
    string(APPEND text "${decls}")
  endforeach()
  string(APPEND text "\nextern \"C\" const lai_scheme_kernels lai_registry_table[] = {\n")
  foreach(name IN LISTS entries)
    get_property(fields GLOBAL PROPERTY LAI_REGISTRY_FIELDS_${name})
    string(APPEND text "    {${fields}},\n")
  endforeach()
  list(LENGTH entries count)
  string(APPEND text "};\nextern \"C\" const int lai_registry_count = ${count};\n")
  string(APPEND text "extern \"C\" const int lai_registry_default = ${default_index};\n")
  file(CONFIGURE OUTPUT "${LAI_GENERATED_DIR}/lai_kernel_registry.cpp" CONTENT "${text}" @ONLY)
  set(LAI_GENERATED_SOURCES ${LAI_GENERATED_SOURCES} "${LAI_GENERATED_DIR}/lai_kernel_registry.cpp" PARENT_SCOPE)
endfunction()

# --- the default set: what generated/ snapshots ----------------------------
lai_add_scheme_kernels(SNAPSHOT
  NAME strassen2_4x4x4_r49
  SCHEME "${PROJECT_SOURCE_DIR}/factors/strassen2_4x4x4_r49.json"
  TARGETS cpp-4x4 cpp-block fortran opencl-batched opencl-batched-v opencl-fast
  DTYPES f64 f32
  FORTRAN_NAMES DGEMM_ALPHA SGEMM_ALPHA)
lai_add_scheme_kernels(SNAPSHOT
  NAME classical_4x4x4_r64
  SCHEME "${PROJECT_SOURCE_DIR}/factors/classical_4x4x4_r64.json"
  TARGETS cpp-4x4 cpp-block opencl-batched opencl-batched-v opencl-fast
  DTYPES f64 f32)
# GPU GEMM leaves (docs/gpu.md): portable tiled in both dtypes, NVIDIA FP64 tensor cores.
lai_add_gemm_kernel(SNAPSHOT NAME lai_gemm_tiled SPEC "${PROJECT_SOURCE_DIR}/factors/gpu/gemm_tiled.json" DTYPES f64 f32)
lai_add_gemm_kernel(SNAPSHOT NAME lai_gemm_nvmma SPEC "${PROJECT_SOURCE_DIR}/factors/gpu/gemm_nvmma.json" DTYPES f64)
# NVIDIA TF32 tensor cores with the 3xTF32 split (FP32 accuracy), f32 only; chosen by the tuning table.
lai_add_gemm_kernel(SNAPSHOT NAME lai_gemm_nvtf32 SPEC "${PROJECT_SOURCE_DIR}/factors/gpu/gemm_nvtf32.json" DTYPES f32)
# Batched one-sided Jacobi SVD (docs/svd.md), local and global variants.
lai_add_svd_kernel(SNAPSHOT NAME lai_svd_jacobi SPEC "${PROJECT_SOURCE_DIR}/factors/svd/jacobi_batched.json" DTYPES f64 f32)
# One-stage bidiagonalization + back-transformation kernels of lai_dgesvd's GPU path (docs/svd.md).
lai_add_svd_kernel(SNAPSHOT NAME lai_svd_bidiag SPEC "${PROJECT_SOURCE_DIR}/factors/svd/bidiag_onestage.json" DTYPES f64 f32)
# Singular values of the bidiagonal by bisection (values-only GPU SVD, docs/svd.md).
lai_add_svd_kernel(SNAPSHOT NAME lai_svd_bisect SPEC "${PROJECT_SOURCE_DIR}/factors/svd/bidiag_bisect.json" DTYPES f64 f32)
# Stage 1 of the two-stage values-only GPU SVD: dense -> band by TSQR panels (docs/svd.md).
lai_add_svd_kernel(SNAPSHOT NAME lai_svd_band SPEC "${PROJECT_SOURCE_DIR}/factors/svd/band_tsqr.json" DTYPES f64 f32)
# The secular problem of the device-resident divide-and-conquer merges (docs/svd.md).
lai_add_svd_kernel(SNAPSHOT NAME lai_svd_dc SPEC "${PROJECT_SOURCE_DIR}/factors/svd/bidiag_dc_secular.json" DTYPES f64 f32)

# Strassen's 2x2 scheme as the second level of the block engine
# (runtime/src/cpu/fast_gemm.cpp); only its block kernel and tables.
lai_add_scheme_kernels(SNAPSHOT
  NAME strassen_2x2x2_r7
  SCHEME "${PROJECT_SOURCE_DIR}/factors/strassen_2x2x2_r7.json"
  TARGETS cpp-block
  DTYPES f64 f32)

# --- the user's schemes ------------------------------------------------------
foreach(item IN LISTS LAI_SCHEMES)
  if(NOT item MATCHES "^([a-z][a-z0-9]*_[0-9]+x[0-9]+x[0-9]+_r[0-9]+)=(.+)$")
    message(FATAL_ERROR "LAI_SCHEMES item '${item}' must be NAME=FILE[:ENTRY] with NAME like alphatensor_4x4x4_r49")
  endif()
  lai_add_scheme_kernels(NAME "${CMAKE_MATCH_1}" SCHEME "${CMAKE_MATCH_2}")
endforeach()

lai_write_kernel_registry("${LAI_DEFAULT_SCHEME}")
lai_write_gpu_sources()

# Makefile generators create the rules for custom-command outputs only in the
# directory that declared them, for targets of that directory: this target is
# what other directories (runtime/, tests/) depend on to get the sources.
add_custom_target(lai_generated_sources DEPENDS ${LAI_GENERATED_SOURCES})

# Snapshot of the default set in the source tree: `cmake --build . --target
# regenerate` refreshes it; the test generated_snapshot fails on any byte of
# difference (or a file present on one side only). The file list travels
# through a file because a CMake list would be split by the shell.
set(LAI_SNAPSHOT_LIST "${LAI_GENERATED_DIR}/snapshot_files.txt")
string(REPLACE ";" "\n" _snapshot_lines "${LAI_SNAPSHOT_FILES}")
file(CONFIGURE OUTPUT "${LAI_SNAPSHOT_LIST}" CONTENT "${_snapshot_lines}\n")
add_custom_target(regenerate
  COMMAND ${CMAKE_COMMAND} -DMODE=copy -DSNAPSHOT_DIR=${PROJECT_SOURCE_DIR}/generated
          -DLIST=${LAI_SNAPSHOT_LIST} -P "${PROJECT_SOURCE_DIR}/cmake/LaiSnapshot.cmake"
  DEPENDS ${LAI_SNAPSHOT_FILES}
  COMMENT "Refreshing the committed snapshot in generated/"
  VERBATIM)
