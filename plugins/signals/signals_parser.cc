#include "signals_parser.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <malloc.h>

#include <array>
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_set>

#include "format_text.h"

namespace trendgraph::formats {
namespace {

enum class Section : uint8_t {
  kNone,  // before the first heading, or a heading we do not know
  kKeywords,
  kThemes,
  kOther,
  kSummary,
  kSignals,
  kConcerns,
  kBehaviors,
  kTechnologies,
  kIssues,
  kClosest,
};
constexpr int kSectionCount = 11;

Section SectionFromHeading(std::string_view h) {
  if (h == "Keywords") return Section::kKeywords;
  if (h == "Themes") return Section::kThemes;
  if (h == "Other") return Section::kOther;
  if (h == "Summary") return Section::kSummary;
  if (h == "Signals") return Section::kSignals;
  if (h == "Concerns") return Section::kConcerns;
  if (h == "Behaviors") return Section::kBehaviors;
  if (h == "Technologies") return Section::kTechnologies;
  if (h == "Issues") return Section::kIssues;
  if (h == "Closest") return Section::kClosest;
  return Section::kNone;
}

std::optional<SignalsLabel> TableLabel(Section s) {
  switch (s) {
    case Section::kSignals: return SignalsLabel::kSignal;
    case Section::kConcerns: return SignalsLabel::kConcern;
    case Section::kBehaviors: return SignalsLabel::kBehavior;
    case Section::kTechnologies: return SignalsLabel::kTechnology;
    case Section::kIssues: return SignalsLabel::kIssue;
    default: return std::nullopt;
  }
}

// Table columns by header text (trimmed, ASCII case-insensitive). The
// benchmark's six names plus the oldest pages' 4-column Signals header.
enum class Column : uint8_t { kIgnored, kName, kDescription, kChange, kTenYear, kDrivingForce, kRelevancy };

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

Column ColumnFromHeader(std::string_view h) {
  if (EqualsIgnoreCase(h, "name") || EqualsIgnoreCase(h, "signal")) return Column::kName;
  if (EqualsIgnoreCase(h, "description")) return Column::kDescription;
  if (EqualsIgnoreCase(h, "change")) return Column::kChange;
  if (EqualsIgnoreCase(h, "10-year") || EqualsIgnoreCase(h, "10y horizon")) return Column::kTenYear;
  if (EqualsIgnoreCase(h, "driving-force") || EqualsIgnoreCase(h, "driving force")) return Column::kDrivingForce;
  if (EqualsIgnoreCase(h, "relevancy")) return Column::kRelevancy;
  return Column::kIgnored;
}

// Source lines as cmark counts them ("\n", "\r\n" or a lone "\r" ends a
// line), so a node's start_line indexes this array (1-based) directly.
void SplitLines(std::string_view text, std::vector<std::string_view>* lines) {
  lines->clear();
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* start = begin;
  if (std::memchr(begin, '\r', text.size()) == nullptr) {
    // No carriage returns (every generated and collected page): memchr for '\n'.
    while (const char* nl = static_cast<const char*>(std::memchr(start, '\n', static_cast<size_t>(end - start)))) {
      lines->emplace_back(start, static_cast<size_t>(nl - start));
      start = nl + 1;
    }
    lines->emplace_back(start, static_cast<size_t>(end - start));
    return;
  }
  for (const char* p = begin; p < end; ++p) {
    if (*p == '\n' || *p == '\r') {
      lines->emplace_back(start, static_cast<size_t>(p - start));
      if (*p == '\r' && p + 1 < end && p[1] == '\n') ++p;
      start = p + 1;
    }
  }
  lines->emplace_back(start, static_cast<size_t>(end - start));
}

// The number of '|' in `s`. Counted in 8-bit lanes, 255 bytes at a time,
// which the compiler vectorises without widening (std::count widened every
// byte to 64 bits: ~2% of a page's parse, for the cell limit check).
size_t CountBars(std::string_view s) {
  size_t total = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t end = std::min(s.size(), i + 255);
    uint8_t n = 0;
    for (; i < end; ++i) n = static_cast<uint8_t>(n + (s[i] == '|'));
    total += n;
  }
  return total;
}

// Splits a table row at '|' not preceded by '\\', drops the pieces before the
// first and after the last '|', trims each cell and turns "\\|" into "|".
// Cells are views into `row`, except a cell holding "\\|": that one is
// unescaped into (*escaped)[i] and viewed there (valid until the next call).
void SplitRow(std::string_view row, std::vector<std::string_view>* cells, std::vector<std::string>* escaped) {
  row = TrimBlank(row);
  cells->clear();
  bool any_escaped = false;
  size_t piece_start = std::string_view::npos;  // npos until the first '|'
  size_t pos = 0;
  while (true) {
    size_t bar = row.find('|', pos);
    if (bar == std::string_view::npos) break;
    pos = bar + 1;
    if (bar > 0 && row[bar - 1] == '\\') {
      any_escaped = true;
      continue;
    }
    if (piece_start != std::string_view::npos) cells->push_back(TrimBlank(row.substr(piece_start, bar - piece_start)));
    piece_start = bar + 1;
  }
  if (!any_escaped) return;
  // Sized once before any cell points into it, so no view is invalidated.
  if (escaped->size() < cells->size()) escaped->resize(cells->size());
  for (size_t i = 0; i < cells->size(); ++i) {
    const std::string_view cell = (*cells)[i];
    if (cell.find("\\|") == std::string_view::npos) continue;
    std::string& out = (*escaped)[i];
    out.clear();
    for (size_t k = 0; k < cell.size(); ++k) {
      if (cell[k] == '\\' && k + 1 < cell.size() && cell[k + 1] == '|') continue;
      out.push_back(cell[k]);
    }
    (*cells)[i] = out;
  }
}

// "Title" and "page" of line 1, in either header form:
//   # __<title>__, (from page [<page>](<link>).)
//   # __<title>__, from ([<page>](<link>).)
// As the reference regex, the title is greedy: the last "__, " after which
// the rest of the line matches wins.
bool ParseTitleLine(std::string_view line, std::string_view* title, std::string_view* page) {
  if (line.substr(0, 4) != "# __") return false;
  size_t pos = line.size();
  while (pos > 4) {
    pos = line.rfind("__, ", pos - 1);
    if (pos == std::string_view::npos || pos < 4) return false;
    std::string_view rest = line.substr(pos + 4);
    if (rest.substr(0, 12) == "(from page [") {
      rest.remove_prefix(12);
    } else if (rest.substr(0, 7) == "from ([") {
      rest.remove_prefix(7);
    } else {
      continue;
    }
    size_t close = rest.find(']');
    if (close == std::string_view::npos || rest.substr(close, 2) != "](") continue;
    std::string_view p = rest.substr(0, close);
    rest.remove_prefix(close + 2);
    size_t paren = rest.find(')');
    if (paren == std::string_view::npos) continue;
    rest.remove_prefix(paren + 1);
    if (rest.substr(0, 2) != ".)" || !TrimBlank(rest.substr(2)).empty()) continue;
    *title = TrimBlank(line.substr(4, pos - 4));
    *page = TrimBlank(p);
    return true;
  }
  return false;
}

// The URL of "__[External link](<url>)__".
bool ParseLinkLine(std::string_view line, std::string_view* url) {
  constexpr std::string_view kPrefix = "__[External link](";
  if (line.substr(0, kPrefix.size()) != kPrefix) return false;
  size_t end = line.size();
  while (end > 0 && IsBlank(line[end - 1])) --end;
  line = line.substr(0, end);
  if (line.size() < kPrefix.size() + 3 || line.substr(line.size() - 3) != ")__") return false;
  *url = TrimBlank(line.substr(kPrefix.size(), line.size() - 3 - kPrefix.size()));
  return true;
}

// Text of a bullet line after its marker: "* x" -> "x". The marker may be
// '*', '-', '+' or an ordered "1." and be indented up to three spaces; one
// space after the marker belongs to it (the rules: "the text after `* `").
std::string_view BulletText(std::string_view line) {
  size_t i = 0;
  while (i < 3 && i < line.size() && line[i] == ' ') ++i;
  if (i < line.size() && (line[i] == '*' || line[i] == '-' || line[i] == '+')) {
    ++i;
  } else {
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
    if (i < line.size() && (line[i] == '.' || line[i] == ')')) ++i;
  }
  if (i < line.size() && IsBlank(line[i])) ++i;
  return line.substr(i);
}

// cmark-gfm keeps a process-wide registry of extensions; register once.
cmark_syntax_extension* TableExtension() {
  static cmark_syntax_extension* table = [] {
    cmark_gfm_core_extensions_ensure_registered();
    return cmark_find_syntax_extension("table");
  }();
  return table;
}

int NoInlines(cmark_syntax_extension*, cmark_node*) { return 0; }

// True when `table` parses a small table into table / table_header /
// table_row / table_cell nodes whose cells keep their text as string content
// and have no inline children. Checks the private copy below before use.
bool ParsesTablesWithoutCellInlines(cmark_syntax_extension* table) {
  static constexpr std::string_view kProbe = "| a | b |\n|---|---|\n| *x* | `y` |\n";
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  cmark_parser_attach_syntax_extension(parser, table);
  cmark_parser_feed(parser, kProbe.data(), kProbe.size());
  cmark_node* root = cmark_parser_finish(parser);
  cmark_parser_free(parser);
  if (root == nullptr) return false;
  bool ok = false;
  cmark_node* t = cmark_node_first_child(root);
  const char* type = t ? cmark_node_get_type_string(t) : nullptr;
  if (type != nullptr && std::string_view(type) == "table") {
    cmark_node* row = cmark_node_last_child(t);
    cmark_node* cell = row ? cmark_node_first_child(row) : nullptr;
    const char* cell_type = cell ? cmark_node_get_type_string(cell) : nullptr;
    const char* content = cell ? cmark_node_get_string_content(cell) : nullptr;
    ok = cell_type != nullptr && std::string_view(cell_type) == "table_cell" && content != nullptr &&
         std::string_view(content) == "*x*" && cmark_node_first_child(cell) == nullptr;
  }
  cmark_node_free(root);
  return ok;
}

// The table extension for our parsers, minus the inline parse of its cells.
//
// Every value is read from the raw source lines (see the header), so the
// inline nodes cmark builds under each table cell (~180 cells on a generated
// page, ~13% of the parse) are never looked at. Block structure does not
// depend on them: cmark-gfm parses inlines only after all blocks are closed
// (process_inlines in cmark_parser_finish), asking each node's extension
// whether it "contains inlines". The answer is per extension object, and the
// registered "table" object is shared by every cmark user in the process, so
// it stays untouched: we use a private copy whose only difference is that
// callback. cmark-gfm has no public way to clone an extension; the object is
// a flat calloc'ed struct of callbacks and plain data (name and private
// pointers are shared, never freed through the copy, which lives until the
// plugin is unloaded), so a byte copy of the allocation is one. The copy is checked
// on a probe table before use; should a future cmark-gfm break that, we fall
// back to the shared extension and only lose the speed.
// signals_cell_inlines_test proves the result identical to a full parse.
// Frees the copy when the plugin is unloaded (no parser is alive then: each
// page's parser and nodes live in the page's arena).
struct ExtensionCopy {
  cmark_syntax_extension* ext = nullptr;
  ~ExtensionCopy() { std::free(ext); }
};

cmark_syntax_extension* TableExtensionWithoutCellInlines() {
  static ExtensionCopy owned;
  static cmark_syntax_extension* table = [] {
    cmark_syntax_extension* shared = TableExtension();
    const size_t size = malloc_usable_size(shared);
    void* copy = size != 0 ? std::malloc(size) : nullptr;
    if (copy == nullptr) return shared;
    std::memcpy(copy, shared, size);
    auto* mine = static_cast<cmark_syntax_extension*>(copy);
    cmark_syntax_extension_set_contains_inlines_func(mine, &NoInlines);
    if (!ParsesTablesWithoutCellInlines(mine)) {
      std::free(copy);
      return shared;
    }
    owned.ext = mine;
    return mine;
  }();
  return table;
}

// A per-thread bump allocator for cmark: a page's parse makes thousands of
// small allocations (nodes, strbufs, table cells) that all die together, so
// malloc/free dominated the profile. Blocks carry their size so realloc can
// copy; realloc of the newest block grows in place. Reset() after each
// document keeps the memory for the next one (up to kKeepBytes).
//
// cmark's allocator callbacks get no context pointer, so they find the arena
// through a thread-local pointer that ArenaScope sets for the parse. It is a
// plain pointer in the initial-exec TLS model: one %fs-relative load per
// call instead of a __tls_get_addr call plus an init guard (the callbacks
// run ~2,000 times per page; this was ~4% of a page's prepare time). The
// arena object itself lives in Get()'s thread_local, which frees it at
// thread exit.
class CmarkArena;
[[gnu::tls_model("initial-exec")]] thread_local CmarkArena* t_arena = nullptr;

class CmarkArena {
 public:
  static CmarkArena& Get() {
    thread_local CmarkArena arena;
    return arena;
  }
  static cmark_mem* Allocator() {
    static cmark_mem mem = {&Calloc, &Realloc, &Free};
    return &mem;
  }
  void Reset() {
    size_t kept = 0;
    size_t keep = 0;
    while (keep < chunks_.size() && kept + chunks_[keep].size <= kKeepBytes) kept += chunks_[keep++].size;
    if (keep == 0 && !chunks_.empty()) keep = 1;
    chunks_.resize(keep);
    current_ = 0;
    if (chunks_.empty()) {
      cur_ = end_ = nullptr;
    } else {
      cur_ = chunks_[0].data.get();
      end_ = cur_ + chunks_[0].size;
    }
    last_ = nullptr;
  }
  ~CmarkArena() = default;

 private:
  static constexpr size_t kChunkBytes = size_t{256} << 10;
  static constexpr size_t kKeepBytes = size_t{4} << 20;
  static constexpr size_t kAlign = 16;
  struct Chunk {
    std::unique_ptr<unsigned char[]> data;
    size_t size = 0;
  };

  static void* Calloc(size_t n, size_t size) {
    if (size != 0 && n > SIZE_MAX / size) std::abort();  // as cmark's own allocator on failure
    void* p = t_arena->Allocate(n * size);
    std::memset(p, 0, n * size);
    return p;
  }
  static void* Realloc(void* p, size_t size) { return t_arena->Reallocate(p, size); }
  static void Free(void*) {}

  static size_t& SizeOf(void* p) { return *reinterpret_cast<size_t*>(static_cast<unsigned char*>(p) - kAlign); }
  static size_t Round(size_t size) { return (size + kAlign - 1) & ~(kAlign - 1); }

  // The common case is a pointer bump in the current chunk (cur_/end_ are
  // cached: a block used to cost loads through chunks_ per call, ~5% of a
  // page's parse with ~2,000 calls per page).
  void* Allocate(size_t size) {
    const size_t need = Round(size) + kAlign;
    if (static_cast<size_t>(end_ - cur_) < need) NextChunk(need);
    unsigned char* block = cur_ + kAlign;
    cur_ += need;
    SizeOf(block) = size;
    last_ = block;
    return block;
  }

  // Moves to the next kept chunk with room for `need` bytes, or adds one.
  // Out of line, so the bump path saves no registers.
  [[gnu::noinline]] void NextChunk(size_t need) {
    size_t next = chunks_.empty() ? 0 : current_ + 1;
    while (next < chunks_.size() && chunks_[next].size < need) ++next;
    if (next == chunks_.size()) {
      Chunk c;
      c.size = std::max(kChunkBytes, need);
      c.data.reset(new unsigned char[c.size]);
      chunks_.push_back(std::move(c));
    }
    current_ = next;
    cur_ = chunks_[next].data.get();
    end_ = cur_ + chunks_[next].size;
  }

  void* Reallocate(void* p, size_t size) {
    if (p == nullptr) return Allocate(size);
    const size_t old = SizeOf(p);
    if (p == last_) {
      // Grow or shrink the newest block in place when its chunk has room.
      unsigned char* end = static_cast<unsigned char*>(p) + Round(size);
      if (end <= end_) {
        cur_ = end;
        SizeOf(p) = size;
        return p;
      }
    }
    void* q = Allocate(size);
    std::memcpy(q, p, std::min(old, size));
    return q;
  }

  std::vector<Chunk> chunks_;
  size_t current_ = 0;             // index of the chunk cur_ points into
  unsigned char* cur_ = nullptr;   // next free byte of chunks_[current_]
  unsigned char* end_ = nullptr;   // end of chunks_[current_]
  void* last_ = nullptr;           // the newest block (grows in place)
};

// Points the thread's allocator callbacks at its arena for one parse, and
// resets the arena when the parse ends, however it ends.
struct ArenaScope {
  ArenaScope() { t_arena = &CmarkArena::Get(); }
  ~ArenaScope() {
    t_arena->Reset();
    t_arena = nullptr;
  }
};

bool IsType(cmark_node* node, const char* type) {
  const char* t = cmark_node_get_type_string(node);
  return t != nullptr && std::string_view(t) == type;
}

// Appends the literal text under `node` (text, code and entity-free
// literals), for link titles.
void AppendLiteralText(cmark_node* node, std::string* out) {
  for (cmark_node* c = cmark_node_first_child(node); c != nullptr; c = cmark_node_next(c)) {
    cmark_node_type t = cmark_node_get_type(c);
    if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
      if (const char* lit = cmark_node_get_literal(c)) out->append(lit);
    } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
      out->push_back(' ');
    } else {
      AppendLiteralText(c, out);
    }
  }
}

cmark_node* FindLink(cmark_node* node) {
  for (cmark_node* c = cmark_node_first_child(node); c != nullptr; c = cmark_node_next(c)) {
    if (cmark_node_get_type(c) == CMARK_NODE_LINK) return c;
    if (cmark_node* l = FindLink(c)) return l;
  }
  return nullptr;
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view StripMd(std::string_view name) {
  if (name.size() > 3 && name.substr(name.size() - 3) == ".md") name.remove_suffix(3);
  return name;
}

std::string LineRef(uint32_t line) { return "line " + std::to_string(line); }

// One document's parse: holds the split lines and the dedupe state.
class SignalsDocParser {
 public:
  SignalsDocParser(std::string_view file_name, std::string_view text, SignalsDocument* doc, std::string* error,
                   const SignalsParseOptions& options)
      : file_name_(BaseName(file_name)), text_(text), doc_(doc), error_(error), options_(options) {}
  // A scratch concept still held goes back to the document for reuse.
  ~SignalsDocParser() {
    if (scratch_taken_) doc_->recycled.push_back(std::move(scratch_));
  }
  SignalsDocParser(const SignalsDocParser&) = delete;
  SignalsDocParser& operator=(const SignalsDocParser&) = delete;

  bool Run();

 private:
  bool Fail(std::string message) {
    *error_ = std::move(message);
    return false;
  }
  std::string_view Line(int line) const {
    return line >= 1 && static_cast<size_t>(line) <= lines_.size() ? lines_[line - 1] : std::string_view();
  }
  // The concept being built (a recycled one when the document has any),
  // emptied. AddConcept takes it, or leaves it for the next row.
  SignalsConcept& Scratch();
  bool AddConcept();
  void HandleList(Section section, cmark_node* list);
  bool HandleTable(SignalsLabel label, cmark_node* table);
  void HandleClosest(cmark_node* list);

  std::string_view file_name_;
  std::string_view text_;
  SignalsDocument* doc_;
  std::string* error_;
  const SignalsParseOptions& options_;
  std::vector<std::string_view> lines_;
  std::vector<std::string_view> cells_;  // the current row's cells (SplitRow)
  std::vector<std::string> escaped_cells_;
  std::vector<Column> columns_;
  static constexpr size_t kLinearDedupeLimit = 128;
  static constexpr size_t kMaxContainerPrefix = 64;
  static constexpr size_t kMaxTableCells = 128;
  static std::string DedupeKey(const SignalsConcept& c) {
    std::string k(1, static_cast<char>(c.label));
    k.append(c.name);
    return k;
  }
  std::unordered_set<std::string> seen_;  // used past kLinearDedupeLimit concepts
  SignalsConcept scratch_;
  bool scratch_taken_ = false;  // scratch_ came from doc_->recycled or was moved out
};

SignalsConcept& SignalsDocParser::Scratch() {
  if (!scratch_taken_ && !doc_->recycled.empty()) {
    scratch_ = std::move(doc_->recycled.back());
    doc_->recycled.pop_back();
  }
  scratch_taken_ = true;
  SignalsConcept& c = scratch_;
  c.name.clear();
  c.display.clear();
  c.description.clear();
  c.change.clear();
  c.ten_year.clear();
  c.driving_force.clear();
  c.relevancy.reset();
  c.line = 0;
  return c;
}

bool SignalsDocParser::AddConcept() {
  SignalsConcept& c = scratch_;
  if (c.name.empty()) return false;
  std::vector<SignalsConcept>& all = doc_->concepts;
  // Pages have tens of items: a linear scan beats hashing. Past that (huge
  // or hostile pages) a set keeps the parse linear.
  if (all.size() < kLinearDedupeLimit) {
    for (const SignalsConcept& seen : all) {
      if (seen.label == c.label && seen.name == c.name) return false;
    }
    if (all.size() + 1 == kLinearDedupeLimit) {
      for (const SignalsConcept& seen : all) seen_.insert(DedupeKey(seen));
      seen_.insert(DedupeKey(c));
    }
  } else if (!seen_.insert(DedupeKey(c)).second) {
    return false;
  }
  all.push_back(std::move(c));
  scratch_taken_ = false;  // moved out: the next Scratch() takes another
  return true;
}

void SignalsDocParser::HandleList(Section section, cmark_node* list) {
  for (cmark_node* item = cmark_node_first_child(list); item != nullptr; item = cmark_node_next(item)) {
    const int line_no = cmark_node_get_start_line(item);
    std::string_view text = BulletText(Line(line_no));
    if (section == Section::kOther) {
      std::string_view t = TrimBlank(text);
      if (t.substr(0, 9) == "Category:") {
        if (doc_->article.category.empty()) doc_->article.category = TrimBlank(t.substr(9));
      } else if (t.substr(0, 5) == "Type:") {
        if (doc_->article.type.empty()) doc_->article.type = TrimBlank(t.substr(5));
      }
      continue;
    }
    SignalsConcept& c = Scratch();
    c.label = section == Section::kKeywords ? SignalsLabel::kKeyword : SignalsLabel::kTheme;
    NormaliseNameInto(text, &c.name);
    c.display.assign(TrimBlank(text));
    c.line = static_cast<uint32_t>(line_no);
    AddConcept();
  }
}

bool SignalsDocParser::HandleTable(SignalsLabel label, cmark_node* table) {
  cmark_node* row = cmark_node_first_child(table);
  if (row == nullptr) return true;
  // Header row: columns by header text.
  SplitRow(Line(cmark_node_get_start_line(row)), &cells_, &escaped_cells_);
  columns_.clear();
  for (std::string_view h : cells_) columns_.push_back(ColumnFromHeader(h));
  for (row = cmark_node_next(row); row != nullptr; row = cmark_node_next(row)) {
    if (!IsType(row, "table_row")) continue;
    const int line_no = cmark_node_get_start_line(row);
    SplitRow(Line(line_no), &cells_, &escaped_cells_);
    SignalsConcept& c = Scratch();
    c.label = label;
    c.line = static_cast<uint32_t>(line_no);
    const size_t n = std::min(cells_.size(), columns_.size());
    std::string_view relevancy;
    // Cells are views into the line, copied once into the recycled concept
    // (whose strings keep their capacity: no allocation once warm).
    for (size_t i = 0; i < n; ++i) {
      const std::string_view cell = cells_[i];
      switch (columns_[i]) {
        case Column::kName:
          NormaliseNameInto(cell, &c.name);
          c.display.assign(cell);
          break;
        case Column::kDescription: c.description.assign(cell); break;
        case Column::kChange: c.change.assign(cell); break;
        case Column::kTenYear: c.ten_year.assign(cell); break;
        case Column::kDrivingForce: c.driving_force.assign(cell); break;
        case Column::kRelevancy: relevancy = cell; break;
        case Column::kIgnored: break;
      }
    }
    if (!relevancy.empty()) {
      int32_t v = 0;
      std::string_view digits = relevancy.front() == '+' ? relevancy.substr(1) : relevancy;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
        return Fail(LineRef(c.line) + ": " + std::string(SignalsLabelName(label)) + " relevancy '" +
                    std::string(relevancy) + "' is not an integer");
      }
      c.relevancy = v;
    }
    AddConcept();
  }
  return true;
}

void SignalsDocParser::HandleClosest(cmark_node* list) {
  int32_t rank = 0;
  for (cmark_node* item = cmark_node_first_child(list); item != nullptr; item = cmark_node_next(item)) {
    ++rank;
    cmark_node* link = FindLink(item);
    if (link == nullptr) continue;
    const char* url = cmark_node_get_url(link);
    std::string_view hash = StripMd(BaseName(TrimBlank(url ? url : "")));
    if (hash.empty() || hash == doc_->article.file_hash) continue;
    bool seen = false;
    for (const SignalsClosest& c : doc_->closest) seen = seen || c.file_hash == hash;
    if (seen) continue;
    SignalsClosest c;
    c.file_hash = hash;
    AppendLiteralText(link, &c.title);
    c.rank = rank;
    doc_->closest.push_back(std::move(c));
  }
}

bool SignalsDocParser::Run() {
  SplitLines(text_, &lines_);
  // cmark-gfm 0.29.0.gfm.6 is super-linear on some shapes (table rows with
  // thousands of cells, long lines under deeply nested containers); pages
  // have 2-7 columns and no nesting, so refuse such lines up front.
  for (size_t i = 0; i < lines_.size(); ++i) {
    std::string_view l = lines_[i];
    size_t prefix = 0;
    while (prefix < l.size() && prefix <= kMaxContainerPrefix &&
           (l[prefix] == '>' || l[prefix] == ' ' || l[prefix] == '\t' || l[prefix] == '*' || l[prefix] == '-' ||
            l[prefix] == '+')) {
      ++prefix;
    }
    if (prefix > kMaxContainerPrefix) {
      return Fail(LineRef(static_cast<uint32_t>(i + 1)) + ": more than " + std::to_string(kMaxContainerPrefix) +
                  " leading block markers ('>', list markers, indentation); not a signals page");
    }
    if (l.size() > kMaxTableCells + 1 && CountBars(l) > kMaxTableCells + 1) {
      return Fail(LineRef(static_cast<uint32_t>(i + 1)) + ": more than " + std::to_string(kMaxTableCells) +
                  " table cells in one row");
    }
  }
  SignalsArticle& art = doc_->article;
  std::string_view title, page;
  if (!ParseTitleLine(TrimBlank(Line(1)), &title, &page)) {
    return Fail("line 1: not a signals title line (expected '# __<title>__, (from page [<page>](<link>).)' or "
                "'# __<title>__, from ([<page>](<link>).)')");
  }
  art.title = title;
  art.page = page;
  art.published = IsoDateFromPage(page);
  for (int ln = 2; ln <= 6; ++ln) {
    std::string_view url;
    if (ParseLinkLine(Line(ln), &url)) {
      art.url = url;
      break;
    }
  }
  art.file_hash = StripMd(file_name_);
  art.id = art.url.empty() ? "file:" + std::string(file_name_) : CanonicalUrl(art.url);

  // Everything cmark allocates lives in this thread's arena until the
  // scope ends; nodes and parser are never freed one by one.
  ArenaScope arena_scope;
  cmark_parser* parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, CmarkArena::Allocator());
  cmark_parser_attach_syntax_extension(
      parser, options_.parse_cell_inlines ? TableExtension() : TableExtensionWithoutCellInlines());
  cmark_parser_feed(parser, text_.data(), text_.size());
  cmark_node* root = cmark_parser_finish(parser);
  if (root == nullptr) return Fail("markdown parser failed");

  std::array<int, kSectionCount> section_line{};  // first heading line per section
  Section section = Section::kNone;
  int section_start = 0;
  auto close_summary = [&](int next_heading_line) {
    if (section != Section::kSummary) return;
    std::string& s = art.summary;
    for (int ln = section_start + 1; ln < next_heading_line; ++ln) {
      std::string_view t = TrimBlank(Line(ln));
      if (t.empty()) continue;
      if (!s.empty()) s.push_back(' ');
      s.append(t);
    }
  };
  for (cmark_node* node = cmark_node_first_child(root); node != nullptr; node = cmark_node_next(node)) {
    const int line_no = cmark_node_get_start_line(node);
    if (cmark_node_get_type(node) == CMARK_NODE_HEADING) {
      std::string_view raw = Line(line_no);
      // A section is an ATX "## " heading (a setext underline is not one).
      if (cmark_node_get_heading_level(node) != 2 || raw.substr(0, 3) != "## ") continue;
      close_summary(line_no);
      section = SectionFromHeading(TrimBlank(raw.substr(3)));
      section_start = line_no;
      if (section != Section::kNone) {
        int& first = section_line[static_cast<int>(section)];
        if (first != 0) {
          return Fail(LineRef(line_no) + ": section '" + std::string(TrimBlank(raw.substr(3))) +
                      "' repeats the one at " + LineRef(first));
        }
        first = line_no;
      }
      continue;
    }
    switch (section) {
      case Section::kKeywords:
      case Section::kThemes:
      case Section::kOther:
        if (cmark_node_get_type(node) == CMARK_NODE_LIST) HandleList(section, node);
        break;
      case Section::kClosest:
        if (cmark_node_get_type(node) == CMARK_NODE_LIST) HandleClosest(node);
        break;
      case Section::kSignals:
      case Section::kConcerns:
      case Section::kBehaviors:
      case Section::kTechnologies:
      case Section::kIssues:
        if (IsType(node, "table")) {
          if (!HandleTable(*TableLabel(section), node)) return false;
        } else if (cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH &&
                   TrimBlank(Line(line_no)).substr(0, 1) == "|") {
          return Fail(LineRef(line_no) + ": the " + std::string(SignalsLabelName(*TableLabel(section))) +
                      "s table is malformed (a header row needs a delimiter row like '|---|---|' under it, "
                      "with the same number of cells)");
        }
        break;
      case Section::kSummary:
      case Section::kNone:
        break;
    }
  }
  close_summary(static_cast<int>(lines_.size()) + 1);
  return true;
}

}  // namespace

std::string_view SignalsLabelName(SignalsLabel label) {
  static constexpr std::string_view kNames[] = {"Keyword", "Theme",      "Signal", "Concern",
                                                "Behavior", "Technology", "Issue"};
  return kNames[static_cast<int>(label)];
}

std::string_view SignalsRelationshipType(SignalsLabel label) {
  static constexpr std::string_view kTypes[] = {"HAS_KEYWORD", "HAS_THEME", "RAISES", "FLAGS",
                                                "DESCRIBES",   "MENTIONS",  "FLAGS"};
  return kTypes[static_cast<int>(label)];
}

void SignalsDocument::Clear() {
  for (std::string* f : {&article.id, &article.title, &article.page, &article.published, &article.url,
                         &article.category, &article.type, &article.summary, &article.file_hash}) {
    f->clear();
  }
  // Keep at most a page's worth of spare concepts (a huge page's would
  // otherwise stay allocated for the life of the document object).
  constexpr size_t kMaxRecycled = 256;
  for (SignalsConcept& c : concepts) {
    if (recycled.size() >= kMaxRecycled) break;
    recycled.push_back(std::move(c));
  }
  concepts.clear();
  closest.clear();
}

bool SignalsParserSkipsCellInlines() { return TableExtensionWithoutCellInlines() != TableExtension(); }

bool LooksLikeSignalsDocument(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text.substr(0, 4) == "# __";
}

bool ParseSignalsDocument(std::string_view file_name, std::string_view text, SignalsDocument* doc,
                          std::string* error, const SignalsParseOptions& options) {
  doc->Clear();
  error->clear();
  if (!CheckDocumentText(&text, options.max_document_bytes, "signals", "a markdown page", error)) return false;
  SignalsDocParser p(file_name, text, doc, error, options);
  if (!p.Run()) {
    doc->Clear();
    return false;
  }
  return true;
}

}  // namespace trendgraph::formats
