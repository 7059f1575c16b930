// The "signals" page format (kelu124/Futures docs/<hash>.md and the
// generated benchmark corpus): markdown in, plain facts out. No SDK
// dependency; the plugin wrapper (signals_plugin.cc) turns the facts into
// SDK calls and tests call the parser directly.
//
// Structure (sections, lists, tables, links) comes from cmark-gfm with its
// table extension. Values come from the source lines those nodes span, with
// the benchmark's ground-truth rules applied to the raw text (cmark's inline
// rendering would drop backslash escapes, decode entities and remove
// emphasis markers, none of which the rules allow). See docs/formats.md.
//
// Thread-safety: ParseSignalsDocument is safe to call from many threads at
// once (each call owns its cmark parser).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trendgraph::formats {

// The seven concept labels of the fixed schema. Append only.
enum class SignalsLabel : uint8_t {
  kKeyword = 0,     // ## Keywords bullets      (Article)-[:HAS_KEYWORD]->
  kTheme = 1,       // ## Themes bullets        (Article)-[:HAS_THEME]->
  kSignal = 2,      // ## Signals table         (Article)-[:RAISES]->
  kConcern = 3,     // ## Concerns table        (Article)-[:FLAGS]->
  kBehavior = 4,    // ## Behaviors table       (Article)-[:DESCRIBES]->
  kTechnology = 5,  // ## Technologies table    (Article)-[:MENTIONS]->
  kIssue = 6,       // ## Issues table          (Article)-[:FLAGS]->
};
inline constexpr int kSignalsLabelCount = 7;

// Node label ("Keyword", ...) and relationship type ("HAS_KEYWORD", ...).
[[nodiscard]] std::string_view SignalsLabelName(SignalsLabel label);
[[nodiscard]] std::string_view SignalsRelationshipType(SignalsLabel label);

// One bullet or table row: a relationship from the article to a concept node.
// Empty strings mean "absent" (the rules never give a present empty value).
struct SignalsConcept {
  SignalsLabel label = SignalsLabel::kKeyword;
  std::string name;     // normalised: the node key
  std::string display;  // trimmed text as written (first occurrence in this document)
  std::string description;
  std::string change;         // Signals only
  std::string ten_year;       // Signals only
  std::string driving_force;  // Signals only
  std::optional<int32_t> relevancy;
  uint32_t line = 0;  // 1-based source line
};

// One `## Closest` bullet `* [Title](hash)`: a link to another page by its
// file hash, resolved by the host once that page is ingested.
struct SignalsClosest {
  std::string file_hash;
  std::string title;
  int32_t rank = 0;  // 1-based position in the list (first occurrence of the hash)
};

// Article fields. Empty means absent.
struct SignalsArticle {
  std::string id;         // canonical External link, or "file:<file name>"
  std::string title;
  std::string page;
  std::string published;  // YYYY-MM-DD from an 8-digit page date
  std::string url;
  std::string category;
  std::string type;
  std::string summary;
  std::string file_hash;  // file name without ".md"
};

struct SignalsDocument {
  SignalsArticle article;
  // Deduplicated per (label, name): first item or row wins. Document order.
  std::vector<SignalsConcept> concepts;
  std::vector<SignalsClosest> closest;  // self-links and repeats dropped
  // Empties the document. Strings keep their capacity, and the concepts are
  // kept in `recycled` for the next parse into this document, so a document
  // reused page after page parses without allocating in steady state.
  void Clear();
  // Not part of the result: emptied concepts waiting to be reused.
  std::vector<SignalsConcept> recycled;
};

// Limits that bound the work on hostile input, and how much cmark parses.
struct SignalsParseOptions {
  // Documents larger than this are refused (default 2 MiB; real pages are
  // under 40 KB, generated ones under 15 KB).
  size_t max_document_bytes = size_t{2} << 20;
  // Whether cmark-gfm also inline-parses table cells (default false). No
  // value depends on it (values come from the raw lines); true is the plain
  // full parse, for tests that prove the two give the same document.
  bool parse_cell_inlines = false;
};

// True when parses with the default options skip cmark's inline parse of
// table cells (false when cmark-gfm's table extension could not be copied,
// so every parse is the full one: same results, slower).
[[nodiscard]] bool SignalsParserSkipsCellInlines();

// True when `text` looks like a signals page (line 1 starts with "# __").
[[nodiscard]] bool LooksLikeSignalsDocument(std::string_view text);

// Parses one page. `file_name` is the document's name (a path is allowed;
// only its last component is used). Returns false with `*error` set (naming
// the line and what is wrong) on: bytes that are not UTF-8 text, a missing or
// malformed title line, a repeated section, a table without its delimiter
// row, a relevancy cell that is not an integer, or shapes that would make
// cmark-gfm super-linear (a row of more than 128 cells, a line with more than
// 64 leading block markers). On false `*doc` holds
// nothing useful.
[[nodiscard]] bool ParseSignalsDocument(std::string_view file_name, std::string_view text, SignalsDocument* doc,
                                        std::string* error, const SignalsParseOptions& options = {});

}  // namespace trendgraph::formats
