// The signals parser skips cmark-gfm's inline parse of table cells (a
// private copy of the table extension answers "no inlines" for them). These
// tests prove that changes nothing: every page parses to exactly the same
// document (or the same error) as with the full parse, on the collected
// corpus, on generated pages and on pages whose cells hold inline syntax; and
// the process-wide "table" extension that other cmark users share still
// parses cell inlines afterwards.
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "signals_dump.h"
#include "signals_parser.h"
#include "test_util.h"

namespace trendgraph::formats {
namespace {

namespace fs = std::filesystem;

// The document (or the error) a page parses to, with or without the inline
// parse of table cells.
std::string ParseToText(const std::string& name, const std::string& text, bool cell_inlines) {
  SignalsParseOptions options;
  options.parse_cell_inlines = cell_inlines;
  SignalsDocument d;
  std::string error;
  if (!ParseSignalsDocument(name, text, &d, &error, options)) return "error: " + error;
  return DumpSignalsDocument(d);
}

std::vector<fs::path> MarkdownFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".md") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Returns how many pages parsed; every page must give the same text both ways.
size_t ExpectSameBothWays(const std::vector<fs::path>& files) {
  size_t parsed = 0;
  for (const fs::path& p : files) {
    const std::string text = testing::ReadFile(p);
    const std::string name = p.filename().string();
    const std::string fast = ParseToText(name, text, false);
    EXPECT_EQ(fast, ParseToText(name, text, true)) << p;
    parsed += fast.rfind("error: ", 0) != 0;
  }
  return parsed;
}

// First use from several threads at once (the private extension is made on
// first use; this test runs first in this binary): every thread gets the
// documents a single-threaded full parse gives.
TEST(SignalsCellInlines, ConcurrentFirstUseParsesTheSame) {
  const auto files = MarkdownFiles(fs::path(TRENDGRAPH_CORPUS_DIR) / "signals");
  ASSERT_GT(files.size(), 60u);
  std::vector<std::string> names, texts;
  for (const fs::path& p : files) {
    names.push_back(p.filename().string());
    texts.push_back(testing::ReadFile(p));
  }
  constexpr int kThreads = 4;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < texts.size(); ++i) got[t].push_back(ParseToText(names[i], texts[i], false));
    });
  }
  for (std::thread& th : threads) th.join();
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string full = ParseToText(names[i], texts[i], true);
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(got[t][i], full) << names[i] << " thread " << t;
  }
}

// The private extension copy passed its self-check, so the tests below
// compare two different parses (with a fallback they would compare one).
TEST(SignalsCellInlines, FastPathIsInUse) { EXPECT_TRUE(SignalsParserSkipsCellInlines()); }

TEST(SignalsCellInlines, CollectedCorpusParsesTheSameWithoutCellInlines) {
  const auto files = MarkdownFiles(fs::path(TRENDGRAPH_CORPUS_DIR) / "signals");
  ASSERT_GT(files.size(), 60u);
  EXPECT_EQ(ExpectSameBothWays(files), files.size());
}

// The benchmark's 10,000 generated pages when they are there (the bench data
// folder), else 300 generated here.
TEST(SignalsCellInlines, GeneratedPagesParseTheSameWithoutCellInlines) {
  const fs::path bench_docs = "/tmp/bdata/docs10000";
  testing::TempDir tmp;
  fs::path dir = bench_docs;
  if (MarkdownFiles(bench_docs).size() < 10000) {
    dir = tmp.Sub("docs");
    const std::string cmd = "python3 '" TRENDGRAPH_SHARED_DIR "/bench/gen_corpus.py' --docs 300 --seed 7 --out '" +
                            dir.string() + "' > /dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  const auto files = MarkdownFiles(dir);
  ASSERT_GE(files.size(), 300u);
  EXPECT_EQ(ExpectSameBothWays(files), files.size());
}

// Cells full of what the inline parser acts on: emphasis, code spans holding
// a pipe, links, autolinks, HTML, entities, escapes, hard breaks. The values
// come from the raw lines either way.
TEST(SignalsCellInlines, InlineSyntaxInCellsParsesTheSame) {
  const std::string page =
      "# __Inline__, from ([20240101](x).)\n"
      "## Signals\n"
      "| name | description | change | 10-year | driving-force | relevancy |\n"
      "|---|:---:|--:|---|---|---|\n"
      "| *Emph* **Strong** | `code \\| pipe` | [link](http://a.example) | <b>html</b> &amp; &#65; | "
      "\\*escaped\\* ~~strike~~ | 3 |\n"
      "| ![img](i.png) | https://www.example.com x@y.z | trailing  | \\\\ | _u_ | +4 |\n"
      "| a | b\n"
      "| `unclosed | [unclosed | <unclosed | &unterminated | 1 |\n"
      "## Issues\n"
      "| name | description | relevancy |\n"
      "|---|---|---|\n"
      "| I1 | d | |\n";
  const std::string fast = ParseToText("inline.md", page, false);
  EXPECT_EQ(fast, ParseToText("inline.md", page, true));
  EXPECT_NE(fast.find("concept|2|*emph* **strong**|*Emph* **Strong**|`code | pipe`|[link](http://a.example)|"
                      "<b>html</b> &amp; &#65;|\\*escaped\\* ~~strike~~|3|"),
            std::string::npos)
      << fast;
  // A bad relevancy fails the same way.
  const std::string bad = "# __Bad__, from ([20240101](x).)\n## Issues\n| name | relevancy |\n|---|---|\n| *I* | x |\n";
  EXPECT_EQ(ParseToText("bad.md", bad, false), ParseToText("bad.md", bad, true));
  EXPECT_EQ(ParseToText("bad.md", bad, false).rfind("error: line 5", 0), 0u);
}

// Everyone else's "table" extension is untouched: a parser using the
// registered one, after signals pages were parsed, still gets emphasis
// nodes inside a cell.
TEST(SignalsCellInlines, SharedTableExtensionStillParsesCellInlines) {
  SignalsDocument d;
  std::string error;
  const std::string page = "# __T__, from ([20240101](x).)\n## Issues\n| name |\n|---|\n| *I* |\n";
  ASSERT_TRUE(ParseSignalsDocument("t.md", page, &d, &error)) << error;
  ASSERT_EQ(d.concepts.size(), 1u);

  cmark_gfm_core_extensions_ensure_registered();
  cmark_syntax_extension* table = cmark_find_syntax_extension("table");
  ASSERT_NE(table, nullptr);
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  cmark_parser_attach_syntax_extension(parser, table);
  const std::string md = "| a |\n|---|\n| *x* |\n";
  cmark_parser_feed(parser, md.data(), md.size());
  cmark_node* root = cmark_parser_finish(parser);
  cmark_parser_free(parser);
  ASSERT_NE(root, nullptr);
  cmark_node* t = cmark_node_first_child(root);
  ASSERT_NE(t, nullptr);
  EXPECT_STREQ(cmark_node_get_type_string(t), "table");
  cmark_node* cell = cmark_node_first_child(cmark_node_last_child(t));
  ASSERT_NE(cell, nullptr);
  EXPECT_STREQ(cmark_node_get_type_string(cell), "table_cell");
  cmark_node* emph = cmark_node_first_child(cell);
  ASSERT_NE(emph, nullptr);
  EXPECT_EQ(cmark_node_get_type(emph), CMARK_NODE_EMPH);
  cmark_node_free(root);
}

}  // namespace
}  // namespace trendgraph::formats
