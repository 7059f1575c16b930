// Flags every command shares (--db, --graph, --plugin-dir) and the helpers
// that turn them into engine options. Parsing stays in each command file;
// nothing past the parser sees Boost's variables_map.
#pragma once

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "engine/engine.h"

namespace trendgraph::cli {

struct CommonOptions {
  std::string db = "./data";       // --db: database directory
  std::string graph = "default";   // --graph: named graph
  std::string plugin_dir;          // --plugin-dir: empty = the build's plugin folder
};

inline void AddCommonOptions(boost::program_options::options_description* desc, CommonOptions* o,
                             bool with_graph, bool with_plugins) {
  namespace po = boost::program_options;
  desc->add_options()("help,h", "show this help")(
      "db", po::value<std::string>(&o->db)->default_value(o->db), "database directory");
  if (with_graph)
    desc->add_options()("graph,g", po::value<std::string>(&o->graph)->default_value(o->graph), "graph name");
  if (with_plugins)
    desc->add_options()("plugin-dir", po::value<std::string>(&o->plugin_dir),
                        "folder of plugin .so files (default: the build's plugin folder)");
}

// Parses argv into `desc` (+ positional). Returns -1 to continue, else the
// exit code to return (help printed, or a usage error reported).
inline int ParseArgs(int argc, char** argv, const boost::program_options::options_description& desc,
                     const boost::program_options::positional_options_description* positional,
                     const char* usage) {
  namespace po = boost::program_options;
  po::variables_map vm;
  try {
    po::command_line_parser parser(argc, argv);
    parser.options(desc);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage << "\n\n" << desc << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "trendgraph " << argv[0] << ": " << e.what() << "\n"
              << "usage: " << usage << "\n";
    return 2;
  }
  return -1;
}

// Opens the engine; prints the error and returns null on failure. Plugin
// load errors are printed as warnings.
inline std::unique_ptr<engine::Engine> OpenEngine(const CommonOptions& o, bool load_plugins,
                                                  bool read_only = false) {
  engine::EngineOptions eo;
  eo.storage.path = o.db;
  eo.storage.read_only = read_only;
  eo.plugin_dir = o.plugin_dir;
  eo.no_plugins = !load_plugins;
  std::unique_ptr<engine::Engine> engine;
  Status s = engine::Engine::Open(eo, &engine);
  if (!s.ok()) {
    std::fprintf(stderr, "trendgraph: cannot open database '%s': %s\n", o.db.c_str(), s.ToString().c_str());
    return nullptr;
  }
  for (const std::string& e : engine->load_errors()) std::fprintf(stderr, "trendgraph: warning: %s\n", e.c_str());
  return engine;
}

}  // namespace trendgraph::cli
