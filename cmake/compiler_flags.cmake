# Warnings for every project target (through npu_warnings) and the sanitizer build type.
add_library(npu_warnings INTERFACE)
target_compile_options(npu_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wimplicit-fallthrough)
# Not -Wnull-dereference: GCC 12 reports false positives inside libstdc++ and CLI11 headers.
option(NPUSIM_WERROR "Treat warnings as errors" OFF)
if(NPUSIM_WERROR)
  target_compile_options(npu_warnings INTERFACE -Werror)
endif()

# CMAKE_BUILD_TYPE=Sanitize: ASan + UBSan, every UB report fatal.
set(_san "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer")
set(CMAKE_CXX_FLAGS_SANITIZE "-O1 -g ${_san}" CACHE STRING "" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_SANITIZE "${_san}" CACHE STRING "" FORCE)
set(CMAKE_SHARED_LINKER_FLAGS_SANITIZE "${_san}" CACHE STRING "" FORCE)
