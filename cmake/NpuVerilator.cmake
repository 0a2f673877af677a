# Verilator integration: verilates an RTL block (from rtl/) into a C++ target, normally a test
# binary that drives the Verilated model beside the C++ model the simulator uses (tests/rtl/).
#
# It wraps verilate() from Debian's verilator-config.cmake, so the Verilated C++ is an ordinary
# part of the target: CMake reruns Verilator only when one of the SystemVerilog files it read
# changes, and ccache (CMAKE_CXX_COMPILER_LAUNCHER) caches the compiled model like any source.
# What this adds to verilate():
#   - the generated ISA package rtl/generated/npu_isa_pkg.sv comes first on every command line;
#   - several variants of one block can go into one binary (distinct PREFIX, own DEFINES), e.g.
#     the real block and a deliberately mis-modelled one that its harness must catch;
#   - the Verilated sources compile at a modest optimisation level (-O1, no debug info) with
#     warnings off (they are Verilator's code, not ours), and Verilator's headers are system
#     headers so the project's warning flags (-Wold-style-cast, -Wshadow...) stay on for the
#     harness itself.
#
# npu_verilate(<target> TOP <module> PREFIX <class> SOURCES <file.sv>...
#              [DEFINES <NAME[=VALUE]>...] [VERILATOR_ARGS <arg>...] [TRACE_FST] [SYSTEMC])
#   TOP      the top module; PREFIX the generated C++ class (header <PREFIX>.h).
#   SOURCES  the block's files, relative to the source tree or absolute (the package is added).
#   DEFINES  `define macros for this variant (passed as +define+NAME=VALUE).
#   TRACE_FST  build in FST waveform support (the harness opens a VerilatedFstC on demand).
#   SYSTEMC  generate a SystemC module instead of a plain C++ class (co-simulation).
#
# The project requires Verilator (scripts/setup.sh installs it); RTL targets are only defined
# when it is found, so a machine without it still builds the rest (configure prints a notice).

find_package(verilator HINTS /usr/share/verilator $ENV{VERILATOR_ROOT} QUIET)
find_program(NPU_VERILATOR_EXECUTABLE verilator)  # the command line tool, for the lint test
if(verilator_FOUND AND NPU_VERILATOR_EXECUTABLE)
  set(NPU_HAVE_VERILATOR ON)
else()
  set(NPU_HAVE_VERILATOR OFF)
  message(STATUS "Verilator not found: the RTL cross-checks (label rtl) are not built")
endif()

set(NPU_RTL_DIR ${PROJECT_SOURCE_DIR}/rtl)
set(NPU_RTL_ISA_PACKAGE ${NPU_RTL_DIR}/generated/npu_isa_pkg.sv)

function(npu_verilate target)
  cmake_parse_arguments(V "TRACE_FST;SYSTEMC" "TOP;PREFIX" "SOURCES;DEFINES;VERILATOR_ARGS"
                        ${ARGN})
  if(NOT V_TOP OR NOT V_PREFIX OR NOT V_SOURCES)
    message(FATAL_ERROR "npu_verilate(${target}): TOP, PREFIX and SOURCES are required")
  endif()
  set(sources ${NPU_RTL_ISA_PACKAGE})
  foreach(src ${V_SOURCES})
    get_filename_component(abs ${src} ABSOLUTE BASE_DIR ${PROJECT_SOURCE_DIR})
    list(APPEND sources ${abs})
  endforeach()
  set(args -Wall ${V_VERILATOR_ARGS})
  foreach(def ${V_DEFINES})
    list(APPEND args +define+${def})
  endforeach()
  set(flags)
  if(V_TRACE_FST)
    list(APPEND flags TRACE_FST)
  endif()
  if(V_SYSTEMC)
    list(APPEND flags SYSTEMC)
  endif()
  # Each variant in its own directory: several PREFIXes of one TOP must not share outputs.
  set(vdir ${CMAKE_CURRENT_BINARY_DIR}/verilated/${target}/${V_PREFIX})

  # verilate() learns the generated file names when it runs Verilator at configure time, and
  # Verilator names files after content hashes: after an RTL edit, the build-time rerun can
  # produce files the build does not know yet (undefined ConstPool symbols at link). So every
  # file Verilator read is a configure dependency, and when one is newer than the last run,
  # verilate() is made to run Verilator again at configure time (its arguments file is removed).
  set(file_list ${vdir}/${V_PREFIX}_copy.cmake)
  set(read_files ${sources})
  if(EXISTS ${file_list})
    include(${file_list})  # sets ${V_PREFIX}_DEPS: everything the last run read
    list(APPEND read_files ${${V_PREFIX}_DEPS})
  endif()
  list(FILTER read_files INCLUDE REGEX "^${PROJECT_SOURCE_DIR}/")  # not Verilator's own files
  list(REMOVE_DUPLICATES read_files)
  foreach(file ${read_files})
    if(${file} IS_NEWER_THAN ${file_list})
      file(REMOVE ${vdir}/verilator_args.txt)
    endif()
  endforeach()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${read_files})

  verilate(${target} ${flags} TOP_MODULE ${V_TOP} PREFIX ${V_PREFIX} DIRECTORY ${vdir}
           SOURCES ${sources} VERILATOR_ARGS ${args}
           OPT_FAST -O1 -g0 OPT_SLOW -O1 -g0 OPT_GLOBAL -O1 -g0)

  # Verilator's code (generated and runtime) compiles without the project's warnings. Its FST
  # writer (gtkwave's fstapi.c, inside verilated_fst_c.cpp) stores words at unaligned
  # addresses, and its trace buffer (verilated_trace.h, inlined into the generated *__Trace*
  # files) reads 64-bit signals from 32-bit slots, which the Sanitize build's UBSan would stop
  # at: that check is off for Verilator's runtime and the generated trace code (the flag is a
  # no-op in builds without UBSan). The generated model itself keeps every check.
  get_target_property(target_sources ${target} SOURCES)
  foreach(src ${target_sources})
    if(src MATCHES "^${CMAKE_CURRENT_BINARY_DIR}/verilated/.*__Trace__")
      set_property(SOURCE ${src} APPEND PROPERTY COMPILE_OPTIONS -w -fno-sanitize=alignment)
    elseif(src MATCHES "^${CMAKE_CURRENT_BINARY_DIR}/verilated/")
      set_property(SOURCE ${src} APPEND PROPERTY COMPILE_OPTIONS -w)
    elseif(src MATCHES "^${VERILATOR_ROOT}/")
      set_property(SOURCE ${src} APPEND PROPERTY COMPILE_OPTIONS -w -fno-sanitize=alignment)
    endif()
  endforeach()
  target_include_directories(${target} SYSTEM PRIVATE ${vdir} ${VERILATOR_ROOT}/include
                             ${VERILATOR_ROOT}/include/vltstd)
endfunction()
