cmake_minimum_required(VERSION 3.25)
# Shows that the generated_snapshot check can fail: copies the snapshot,
# changes one byte of one file, and expects the check to reject the copy.
#   cmake -DSNAPSHOT_DIR=... -DLIST=... -DWORK=<scratch dir> -P snapshot_detects_change.cmake
file(REMOVE_RECURSE "${WORK}")
file(COPY "${SNAPSHOT_DIR}/" DESTINATION "${WORK}")
file(GLOB files "${WORK}/*.cpp")
list(GET files 0 victim)
file(READ "${victim}" text)
string(REPLACE "alpha" "alphA" text "${text}")
file(WRITE "${victim}" "${text}")
execute_process(COMMAND ${CMAKE_COMMAND} -DMODE=check -DSNAPSHOT_DIR=${WORK} -DLIST=${LIST}
                        -P ${CMAKE_CURRENT_LIST_DIR}/../cmake/LaiSnapshot.cmake
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(REMOVE_RECURSE "${WORK}")
if(rc EQUAL 0 OR NOT err MATCHES "differs from a fresh regeneration")
  message(FATAL_ERROR "the snapshot check accepted a changed file (rc=${rc}): ${err}")
endif()
message(STATUS "changed file rejected as expected")
