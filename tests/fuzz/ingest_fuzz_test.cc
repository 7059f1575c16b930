// Document fuzzing: mutants of the real corpus (signals pages, news items
// with YAML front matter, the seeds) ingested through the real plugin host
// with the built signals, news and actors plugins into a real database.
//
// Oracle, for every mutant:
//  * ingest returns (no crash) and reports the document;
//  * a failed document has an error that names the file, and the database is
//    exactly as before it: every node, relationship, side record, counter
//    and dictionary entry (a full dump compared as text);
//  * after any document, every index, adjacency list and counter agrees
//    with the records (storage::testing::CheckConsistency).
// A batch of mutants (group commit) must fail or succeed per document: the
// good ones go in, the graph stays consistent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "engine/plugin_host.h"
#include "fuzz_util.h"
#include "graph_test.h"
#include "hosted_graph_test.h"
#include "storage/store_check.h"
#include "test_util.h"

namespace trendgraph::fuzz {
namespace {

namespace fs = std::filesystem;

struct CorpusFile {
  std::string name;
  std::string content;
  bool news = false;  // YAML front matter
};

std::vector<CorpusFile> LoadCorpus() {
  std::vector<CorpusFile> out;
  for (const char* folder : {"signals", "news", "seeds"}) {
    fs::path dir = fs::path(TRENDGRAPH_CORPUS_DIR) / folder;
    if (!fs::exists(dir)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string content = testing::ReadFile(f);
      out.push_back({f.filename().string(), content, content.rfind("---", 0) == 0});
    }
  }
  return out;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= s.size()) {
    size_t e = s.find('\n', start);
    if (e == std::string::npos) {
      if (start < s.size()) lines.push_back(s.substr(start));
      break;
    }
    lines.push_back(s.substr(start, e - start + 1));
    start = e + 1;
  }
  return lines;
}

std::vector<size_t> LinesWhere(const std::vector<std::string>& lines, auto pred) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (pred(lines[i])) idx.push_back(i);
  }
  return idx;
}

// One structural or byte-level change to a corpus document.
void MutateDocument(Rng& rng, std::string* doc) {
  std::vector<std::string> lines = Lines(*doc);
  auto starts = [](std::string_view p) { return [p](const std::string& l) { return l.rfind(p, 0) == 0; }; };
  switch (rng.Below(14)) {
    case 0:  // truncate anywhere
      doc->resize(rng.Below(doc->size() + 1));
      return;
    case 1:
    case 2: {  // byte flips
      int n = 1 + static_cast<int>(rng.Below(8));
      for (int i = 0; i < n; ++i) MutateBytes(rng, doc);
      return;
    }
    case 3: {  // a table row cut in half
      auto rows = LinesWhere(lines, starts("|"));
      if (rows.empty()) break;
      std::string& l = lines[rng.Pick(rows)];
      l = l.substr(0, rng.Below(l.size())) + (rng.Chance(1, 2) ? "\n" : "");
      break;
    }
    case 4: {  // a heading duplicated
      auto heads = LinesWhere(lines, starts("#"));
      if (heads.empty()) break;
      size_t h = rng.Pick(heads);
      lines.insert(lines.begin() + static_cast<long>(rng.Below(lines.size() + 1)), lines[h]);
      break;
    }
    case 5: {  // a heading removed
      auto heads = LinesWhere(lines, starts("#"));
      if (heads.empty()) break;
      lines.erase(lines.begin() + static_cast<long>(rng.Pick(heads)));
      break;
    }
    case 6: {  // front matter: closing fence removed, or opening one
      auto fences = LinesWhere(lines, starts("---"));
      if (fences.empty()) break;
      lines.erase(lines.begin() + static_cast<long>(rng.Pick(fences)));
      break;
    }
    case 7: {  // front matter: a line's indentation or its "key: " damaged
      auto keyed = LinesWhere(lines, [](const std::string& l) { return l.find(": ") != std::string::npos; });
      if (keyed.empty()) break;
      std::string& l = lines[rng.Pick(keyed)];
      switch (rng.Below(6)) {
        case 0: l = "  " + l; break;
        case 1: l = "\t" + l; break;
        case 2: l.replace(l.find(": "), 2, ":"); break;
        case 3: l.insert(l.find(": ") + 2, "\"unterminated "); break;
        case 4: l.insert(l.find(": ") + 2, "[1, {a: "); break;
        default: l.insert(l.find(": ") + 2, "&anchor *alias !!binary "); break;
      }
      break;
    }
    case 8: {  // a line duplicated (duplicate YAML keys, duplicate rows)
      if (lines.empty()) break;
      size_t l = rng.Below(lines.size());
      lines.insert(lines.begin() + static_cast<long>(l), lines[l]);
      break;
    }
    case 9: {  // invalid UTF-8 at a line start, inside a line, or at the end
      for (int i = 0, n = 1 + static_cast<int>(rng.Below(4)); i < n; ++i) {
        doc->insert(rng.Below(doc->size() + 1), rng.Pick(InvalidUtf8()));
      }
      return;
    }
    case 10: {  // a huge line, or very many lines
      std::string big = rng.Chance(1, 2) ? "| " + std::string(300000, 'x') + " |\n" : std::string(100000, '\n');
      doc->insert(rng.Below(doc->size() + 1), big);
      return;
    }
    case 11: {  // CRLF line ends, or a lone CR
      std::string out;
      for (char c : *doc) {
        if (c == '\n') out += rng.Chance(1, 2) ? "\r\n" : "\r";
        else out.push_back(c);
      }
      *doc = out;
      return;
    }
    case 12: {  // a table's separator row damaged or cells added
      auto rows = LinesWhere(lines, starts("|"));
      if (rows.empty()) break;
      std::string& l = lines[rng.Pick(rows)];
      l = rng.Chance(1, 2) ? "|---|---|---|---|---|---|---|\n" : "| a | b | c | d | e | f | g | h | i |\n";
      break;
    }
    default: {  // empty, whitespace only, or binary
      static const std::vector<std::string> k = {"", " ", "\n\n\n", "---\n", "---\n---\n", std::string(64, '\0'),
                                                 "\xef\xbb\xbf", "# \n", "|", "---\n: :\n---\n"};
      *doc = rng.Pick(k);
      return;
    }
  }
  doc->clear();
  for (const auto& l : lines) *doc += l;
}

// Every node, relationship, side record, counter and dictionary name.
std::string FullDump(storage::Graph& graph) {
  auto snap = graph.NewSnapshot();
  std::string out = storage::testing::Dump(graph, *snap);
  for (auto it = snap->ScanSide(""); it->Valid(); it->Next()) {
    out += "side ";
    out += it->key();
    out += " {";
    for (const auto& [k, v] : it->props()) out += graph.PropKeyName(k) + ": " + v.DebugString() + ", ";
    out += "}\n";
  }
  out += "labels";
  for (const auto& n : graph.Labels()) out += " " + n;
  out += "\ntypes";
  for (const auto& n : graph.Types()) out += " " + n;
  out += "\nkeys";
  for (const auto& n : graph.PropKeys()) out += " " + n;
  return out + "\n";
}

std::string FirstDifference(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  size_t from = a.rfind('\n', i);
  from = from == std::string::npos ? 0 : from + 1;
  return "before: " + a.substr(from, 200) + "\nafter: " + b.substr(from, 200);
}

class IngestFuzzTest : public testing::HostedGraphTest {
 protected:
  void SetUp() override {
    HostedGraphTest::SetUp();
    for (const char* p : {"signals", "news", "actors"}) {
      ASSERT_OK(host_->Load(testing::BuiltPlugin(p)));
    }
    corpus_ = LoadCorpus();
    ASSERT_GT(corpus_.size(), 100u) << "corpus not found under " TRENDGRAPH_CORPUS_DIR;
  }

  std::vector<CorpusFile> corpus_;
};

TEST_F(IngestFuzzTest, MutatedDocumentsIngestWholeOrLeaveNoTrace) {
  // A base the mutants land on: every 8th corpus file, so that some mutants
  // edit an ingested document (same name, new content) and others are new.
  std::vector<engine::IngestDocument> base;
  for (size_t i = 0; i < corpus_.size(); i += 8) base.push_back({corpus_[i].name, corpus_[i].content});
  engine::IngestReport r = Ingest(base);
  ASSERT_EQ(r.failed, 0u) << (r.documents.empty() ? "" : r.documents[0].error);
  ASSERT_EQ(storage::testing::CheckConsistency(*graph_, *graph_->NewSnapshot()), "");

  constexpr uint64_t kSeed = 0x5eed0003;
  Budget budget(1500, 40);
  std::vector<std::string> failures;
  uint64_t ok = 0, failed = 0, batches = 0;
  std::map<std::string, int> reasons;
  std::string before = FullDump(*graph_);
  uint64_t i = budget.first();
  for (; budget.Continue(i) && failures.size() < 30; ++i) {
    Rng rng(SeedFor(kSeed, i));
    const CorpusFile& src = rng.Pick(corpus_);
    auto where = [&](const std::string& name) { return "iteration " + std::to_string(i) + " (" + name + "): "; };

    if (i % 10 == 9) {
      // Group commit: a batch of mutants and originals in one call.
      std::vector<engine::IngestDocument> batch;
      for (int k = 0, n = 2 + static_cast<int>(rng.Below(5)); k < n; ++k) {
        const CorpusFile& f = rng.Pick(corpus_);
        std::string content = f.content;
        if (rng.Chance(2, 3)) MutateDocument(rng, &content);
        batch.push_back({"batch-" + std::to_string(i) + "-" + std::to_string(k) + "-" + f.name, std::move(content)});
      }
      auto rep = host_->Ingest(*graph_, "auto", batch, nullptr);
      ++batches;
      if (!rep.ok()) {
        failures.push_back(where("batch") + "Ingest failed as a whole: " + rep.status().ToString());
      } else if (rep->documents.size() != batch.size() || rep->ok + rep->failed != batch.size()) {
        failures.push_back(where("batch") + "report does not cover every document");
      } else {
        for (const auto& d : rep->documents) {
          if (!d.ok && d.error.find(d.name) == std::string::npos) {
            failures.push_back(where(d.name) + "error does not name the document: " + d.error);
          }
        }
      }
      std::string bad = storage::testing::CheckConsistency(*graph_, *graph_->NewSnapshot());
      if (!bad.empty()) failures.push_back(where("batch") + "inconsistent after the batch: " + bad);
      before = FullDump(*graph_);
      continue;
    }

    std::string content = src.content;
    for (int k = 0, n = 1 + static_cast<int>(rng.Below(3)); k < n; ++k) MutateDocument(rng, &content);
    // Half the mutants keep the original name (an edit of an ingested
    // document replaces its facts), half are new documents.
    std::string name = rng.Chance(1, 2) ? src.name : "fuzz-" + std::to_string(i) + "-" + src.name;
    std::string plugin = rng.Chance(3, 4) ? "auto" : (src.news ? "news" : "signals");
    auto rep = host_->Ingest(*graph_, plugin, {{name, content}}, nullptr);
    if (!rep.ok()) {
      // A single unusable document is reported per document, never as a
      // failed call.
      failures.push_back(where(name) + "Ingest failed as a whole: " + rep.status().ToString());
      continue;
    }
    if (rep->documents.size() != 1) {
      failures.push_back(where(name) + "report has " + std::to_string(rep->documents.size()) + " documents");
      continue;
    }
    const engine::IngestDocReport& d = rep->documents[0];
    std::string after = FullDump(*graph_);
    if (d.ok) {
      ++ok;
    } else {
      ++failed;
      // Tally by reason, positions blanked: "plugin 'news': YAML error at line #, column #".
      std::string reason = d.error.size() > name.size() ? d.error.substr(name.size() + 2) : d.error;
      for (char& c : reason) {
        if (std::isdigit(static_cast<unsigned char>(c))) c = '#';
      }
      reason.erase(std::unique(reason.begin(), reason.end(), [](char a, char b) { return a == '#' && b == '#'; }),
                   reason.end());
      reasons[reason.substr(0, 60)]++;
      if (d.error.empty() || d.error.find(name) == std::string::npos) {
        failures.push_back(where(name) + "error does not name the document: '" + d.error + "'");
      }
      if (after != before) {
        failures.push_back(where(name) + "failed document (" + d.error + ") changed the database\n" +
                           FirstDifference(before, after));
      }
    }
    if (d.ok || i % 16 == 0) {
      std::string bad = storage::testing::CheckConsistency(*graph_, *graph_->NewSnapshot());
      if (!bad.empty()) failures.push_back(where(name) + "inconsistent: " + bad);
    }
    before = std::move(after);
  }
  std::printf("ingest fuzz: %llu iterations: %llu documents in, %llu refused, %llu batches\n",
              static_cast<unsigned long long>(i - budget.first()), static_cast<unsigned long long>(ok),
              static_cast<unsigned long long>(failed), static_cast<unsigned long long>(batches));
  for (const auto& [reason, n] : reasons) std::printf("  %4d x %s\n", n, reason.c_str());
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_TRUE(failures.empty()) << "rerun one with TRENDGRAPH_FUZZ_ONLY=<iteration>";
  EXPECT_GT(ok, 0u);
}

}  // namespace
}  // namespace trendgraph::fuzz
