// trendgraph graphs | stats | backup | restore
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "engine/cli/cli_common.h"
#include "engine/cli/commands.h"

namespace trendgraph::cli {

namespace po = boost::program_options;

struct GraphsOptions {
  CommonOptions common;
  std::string action = "list";  // list | create | drop
  std::string name;
};

int RunGraphs(int argc, char** argv) {
  GraphsOptions o;
  po::options_description desc("graphs options");
  AddCommonOptions(&desc, &o.common, false, false);
  desc.add_options()("action", po::value<std::string>(&o.action)->default_value("list"), "list | create | drop")(
      "name", po::value<std::string>(&o.name), "graph name (create, drop)");
  po::positional_options_description pos;
  pos.add("action", 1).add("name", 1);
  int rc = ParseArgs(argc, argv, desc, &pos, "trendgraph graphs [list | create NAME | drop NAME] [--db DIR]");
  if (rc >= 0) return rc;
  if (o.action != "list" && o.action != "create" && o.action != "drop") {
    std::fprintf(stderr, "trendgraph graphs: unknown action '%s' (list, create or drop)\n", o.action.c_str());
    return kExitUsage;
  }
  if (o.action != "list" && o.name.empty()) {
    std::fprintf(stderr, "trendgraph graphs %s: a graph name is required\n", o.action.c_str());
    return kExitUsage;
  }
  auto engine = OpenEngine(o.common, false, o.action == "list");
  if (!engine) return kExitFailure;
  Status s;
  if (o.action == "list") {
    for (const std::string& g : engine->db().ListGraphs()) std::printf("%s\n", g.c_str());
    return kExitOk;
  }
  s = o.action == "create" ? engine->db().CreateGraph(o.name) : engine->db().DropGraph(o.name);
  if (!s.ok()) {
    std::fprintf(stderr, "trendgraph graphs %s '%s': %s\n", o.action.c_str(), o.name.c_str(), s.ToString().c_str());
    return kExitFailure;
  }
  std::printf("%s graph '%s'\n", o.action == "create" ? "created" : "dropped", o.name.c_str());
  return kExitOk;
}

int RunStats(int argc, char** argv) {
  CommonOptions o;
  po::options_description desc("stats options");
  AddCommonOptions(&desc, &o, true, false);
  desc.add_options()("all", "print every graph");
  int rc = ParseArgs(argc, argv, desc, nullptr, "trendgraph stats [--db DIR] [--graph NAME]");
  if (rc >= 0) return rc;
  auto engine = OpenEngine(o, false, true);
  if (!engine) return kExitFailure;
  std::vector<std::string> graphs = engine->db().ListGraphs();
  storage::DatabaseStats ds = engine->db().Stats();
  std::printf("database %s: %zu graph(s), %.1f MiB in SST files\n", o.db.c_str(), graphs.size(),
              ds.live_sst_bytes / 1048576.0);
  for (const std::string& name : graphs) {
    std::shared_ptr<storage::Graph> g;
    if (!engine->db().GetGraph(name, &g).ok()) continue;
    storage::GraphCounts c = g->Counts();
    std::printf("graph %s: %llu nodes, %llu relationships\n", name.c_str(),
                static_cast<unsigned long long>(c.nodes), static_cast<unsigned long long>(c.rels));
    for (const auto& [label, n] : c.by_label)
      if (n) std::printf("  (:%s) %llu\n", label.c_str(), static_cast<unsigned long long>(n));
    for (const auto& [type, n] : c.by_type)
      if (n) std::printf("  [:%s] %llu\n", type.c_str(), static_cast<unsigned long long>(n));
  }
  return kExitOk;
}

int RunBackup(int argc, char** argv) {
  CommonOptions o;
  std::string to;
  po::options_description desc("backup options");
  AddCommonOptions(&desc, &o, false, false);
  desc.add_options()("to", po::value<std::string>(&to)->required(), "backup directory (must not exist)");
  po::positional_options_description pos;
  pos.add("to", 1);
  int rc = ParseArgs(argc, argv, desc, &pos, "trendgraph backup [--db DIR] --to BACKUP_DIR");
  if (rc >= 0) return rc;
  auto engine = OpenEngine(o, false);
  if (!engine) return kExitFailure;
  Status s = engine->db().Backup(to);
  if (!s.ok()) {
    std::fprintf(stderr, "trendgraph backup: %s\n", s.ToString().c_str());
    return kExitFailure;
  }
  std::printf("backup of %s written to %s\n", o.db.c_str(), to.c_str());
  return kExitOk;
}

int RunRestore(int argc, char** argv) {
  CommonOptions o;
  std::string from;
  po::options_description desc("restore options");
  AddCommonOptions(&desc, &o, false, false);
  desc.add_options()("from", po::value<std::string>(&from)->required(), "backup directory made by 'trendgraph backup'");
  po::positional_options_description pos;
  pos.add("from", 1);
  int rc = ParseArgs(argc, argv, desc, &pos, "trendgraph restore --from BACKUP_DIR [--db NEW_DIR]");
  if (rc >= 0) return rc;
  Status s = storage::Database::Restore(from, o.db);
  if (!s.ok()) {
    std::fprintf(stderr, "trendgraph restore: %s\n", s.ToString().c_str());
    return kExitFailure;
  }
  std::printf("restored %s into %s\n", from.c_str(), o.db.c_str());
  return kExitOk;
}

}  // namespace trendgraph::cli
