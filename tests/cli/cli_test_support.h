// Test support for the CLI suite: runs the real `trendgraph` binary as a
// user's shell does and captures what it printed and how it exited.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace trendgraph::testing {

struct RunResult {
  int exit_code = -1;  // -1: not started, or ended by a signal
  std::string output;  // stdout and stderr, interleaved as printed
};

// Runs `trendgraph <args>` through /bin/sh, so `args` is shell text: quote
// what the shell must not split or expand.
inline RunResult RunCli(const std::string& args) {
  std::string cmd = std::string(TRENDGRAPH_BIN) + " " + args + " 2>&1";
  RunResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace trendgraph::testing
