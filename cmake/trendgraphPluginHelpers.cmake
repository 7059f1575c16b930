# trendgraph_add_plugin(<name> SOURCES <files>... [LIBS <libs>...] [INCLUDES <dirs>...])
#
# Builds an out-of-tree trendgraph plugin: a MODULE library named
# trendgraph_<name>.so, linked against trendgraph::sdk, compiled with hidden
# visibility so that only the entry point (TG_PLUGIN_ENTRY /
# TG_DEFINE_PLUGIN) is exported, and installed into the host's plugin folder
# (lib/trendgraph/plugins under the install prefix).
function(trendgraph_add_plugin name)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS;INCLUDES" ${ARGN})
  if(NOT P_SOURCES)
    message(FATAL_ERROR "trendgraph_add_plugin(${name}): no SOURCES")
  endif()
  add_library(${name} MODULE ${P_SOURCES})
  target_link_libraries(${name} PRIVATE trendgraph::sdk ${P_LIBS})
  target_include_directories(${name} PRIVATE ${P_INCLUDES})
  set_target_properties(${name} PROPERTIES
    PREFIX "" OUTPUT_NAME "trendgraph_${name}"
    C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(NOT DEFINED CMAKE_INSTALL_LIBDIR)
    include(GNUInstallDirs)
  endif()
  install(TARGETS ${name} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/trendgraph/plugins)
endfunction()
