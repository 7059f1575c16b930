// trendgraph: the command-line entry point. Each subcommand lives in its own
// file (cmd_*.cc) and parses its flags with Boost.Program_options into an
// options struct; nothing past the parser sees a variables_map.
#include <cstdio>
#include <cstring>
#include <string>

#include "engine/cli/commands.h"

namespace {

void PrintUsage() {
  std::printf(
      "trendgraph %s - a plugin-based knowledge-graph server\n\n"
      "usage: trendgraph <command> [options]\n\n"
      "commands:\n",
      TRENDGRAPH_VERSION);
  for (const auto& c : trendgraph::cli::Commands()) std::printf("  %-10s %s\n", c.name, c.summary);
  std::printf("\nRun 'trendgraph <command> --help' for a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    PrintUsage();
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("trendgraph %s\n", TRENDGRAPH_VERSION);
    return 0;
  }
  for (const auto& c : trendgraph::cli::Commands()) {
    if (argv[1] == std::string(c.name)) return c.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "trendgraph: unknown command '%s'\n\n", argv[1]);
  PrintUsage();
  return 2;
}
