#include "engine/cli/commands.h"

namespace trendgraph::cli {

int RunServe(int argc, char** argv);    // cmd_serve.cc
int RunIngest(int argc, char** argv);   // cmd_ingest.cc
int RunQuery(int argc, char** argv);    // cmd_query.cc
int RunGraphs(int argc, char** argv);   // cmd_admin.cc
int RunStats(int argc, char** argv);    // cmd_admin.cc
int RunBackup(int argc, char** argv);   // cmd_admin.cc
int RunRestore(int argc, char** argv);  // cmd_admin.cc

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {"serve", "serve the HTTP API over a database", RunServe},
      {"ingest", "ingest documents through a source plugin", RunIngest},
      {"query", "run one query and print its rows", RunQuery},
      {"graphs", "list, create or drop named graphs", RunGraphs},
      {"stats", "print counts per graph, label and type", RunStats},
      {"backup", "make an online backup of a database", RunBackup},
      {"restore", "restore a backup into a new database directory", RunRestore},
  };
  return kCommands;
}

}  // namespace trendgraph::cli
