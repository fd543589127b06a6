# Sets MOESIM_SIMGRID_FOUND and, when found, the imported target PkgConfig::SIMGRID.
# Debian's libsimgrid-dev ships a pkg-config file (simgrid.pc) and no CMake package config.
# The compare tool uses the s4u API of SimGrid 3.32 (Debian 12), hence the version bound.
# Included from bench/ and tests/ so that the executable and its test use one condition.
find_package(PkgConfig QUIET)
set(MOESIM_SIMGRID_FOUND OFF)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(SIMGRID QUIET IMPORTED_TARGET simgrid>=3.32)
  if(SIMGRID_FOUND)
    set(MOESIM_SIMGRID_FOUND ON)
  endif()
endif()
