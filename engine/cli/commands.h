// The CLI's subcommands. Each cmd_<name>.cc defines one Run<Name> function;
// commands.cc lists them.
#pragma once

#include <string>
#include <vector>

namespace trendgraph::cli {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);  // argv[0] is the command name
};

const std::vector<Command>& Commands();

// Exit codes shared by all commands.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the operation failed (message on stderr)
constexpr int kExitUsage = 2;    // bad flags

}  // namespace trendgraph::cli
