#include "actors_matcher.h"

#include <algorithm>
#include <array>
#include <deque>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "format_text.h"

namespace trendgraph::formats {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool IsAsciiWordChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Letters of the scripts written with spaces between words (Latin-1
// Supplement letters through Cyrillic). CJK and punctuation such as '’' are
// boundaries.
bool IsWordCodePoint(uint32_t cp) {
  if (cp < 0x80) return IsAsciiWordChar(static_cast<unsigned char>(cp));
  if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;
  return cp >= 0x370 && cp <= 0x52F;
}

uint32_t DecodeAt(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return b0;
  int len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
  if (len == 1 || i + len > s.size()) return 0xFFFD;
  uint32_t cp = b0 & (0x7F >> len);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

// Is there a word character right before `pos` / at `pos`?
bool WordBefore(std::string_view s, size_t pos) {
  if (pos == 0) return false;
  size_t i = pos - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return IsWordCodePoint(DecodeAt(s, i));
}
bool WordAt(std::string_view s, size_t pos) { return pos < s.size() && IsWordCodePoint(DecodeAt(s, pos)); }

bool IsAllCapsAcronym(std::string_view s) {
  int upper = 0;
  for (char c : s) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') ++upper;
  }
  return upper >= 2;
}

// The sentence around [begin, end) of `text`, at most ~400 bytes.
std::string Sentence(std::string_view text, size_t begin, size_t end) {
  constexpr size_t kMaxSide = 200;
  auto is_end = [&](size_t i) {  // text[i] ends a sentence
    char c = text[i];
    if (c == '\n') return true;
    if (c != '.' && c != '!' && c != '?') return false;
    if (i + 1 < text.size() && text[i + 1] != ' ' && text[i + 1] != '\n') return false;
    // "U.S. government": a capital right before the period is an initial.
    return !(c == '.' && i > 0 && text[i - 1] >= 'A' && text[i - 1] <= 'Z');
  };
  size_t s = begin;
  while (s > 0 && begin - s < kMaxSide && !is_end(s - 1)) --s;
  size_t e = end;
  while (e < text.size() && e - end < kMaxSide && !is_end(e)) ++e;
  if (e < text.size() && text[e] != '\n') ++e;  // keep the final punctuation
  // Do not cut a UTF-8 sequence.
  while (s < begin && (static_cast<unsigned char>(text[s]) & 0xC0) == 0x80) ++s;
  while (e > end && e < text.size() && (static_cast<unsigned char>(text[e]) & 0xC0) == 0x80) --e;
  return std::string(TrimBlank(text.substr(s, e - s)));
}

}  // namespace

// A DFA over byte classes: every byte that occurs in a pattern (after ASCII
// lower-casing) has its own class, all other bytes share class 0, which
// only ever leads back to the root.
struct ActorGazetteer::Automaton {
  struct Variant {
    uint32_t actor;
    bool exact_case;
    std::string written;  // as in the gazetteer, for exact-case checks
  };
  struct Pattern {
    std::string lowered;
    std::vector<Variant> variants;
  };
  std::vector<Pattern> patterns;
  std::array<uint16_t, 256> byte_class{};
  uint32_t classes = 1;
  std::vector<int32_t> next;           // state * classes + class -> state
  std::vector<int32_t> output;         // state -> pattern ending here, or -1
  std::vector<int32_t> output_link;    // state -> nearest suffix state with an output, or -1

  int32_t Next(int32_t state, unsigned char byte) const {
    return next[static_cast<size_t>(state) * classes + byte_class[byte]];
  }

  void Build() {
    for (const Pattern& p : patterns) {
      for (char c : p.lowered) {
        auto b = static_cast<unsigned char>(c);
        if (byte_class[b] == 0) byte_class[b] = static_cast<uint16_t>(classes++);
      }
    }
    // Trie.
    next.assign(classes, -1);
    output.assign(1, -1);
    for (size_t pi = 0; pi < patterns.size(); ++pi) {
      int32_t s = 0;
      for (char c : patterns[pi].lowered) {
        const size_t slot = static_cast<size_t>(s) * classes + byte_class[static_cast<unsigned char>(c)];
        if (next[slot] < 0) {
          next[slot] = static_cast<int32_t>(output.size());
          output.push_back(-1);
          next.resize(next.size() + classes, -1);
        }
        s = next[static_cast<size_t>(s) * classes + byte_class[static_cast<unsigned char>(c)]];
      }
      output[s] = static_cast<int32_t>(pi);
    }
    // Failure links, breadth first, turning the trie into a DFA.
    const size_t states = output.size();
    std::vector<int32_t> fail(states, 0);
    output_link.assign(states, -1);
    std::deque<int32_t> queue;
    for (uint32_t c = 0; c < classes; ++c) {
      int32_t& t = next[c];
      if (t < 0) {
        t = 0;
      } else {
        fail[t] = 0;
        queue.push_back(t);
      }
    }
    while (!queue.empty()) {
      const int32_t s = queue.front();
      queue.pop_front();
      const int32_t f = fail[s];
      output_link[s] = output[f] >= 0 ? f : output_link[f];
      for (uint32_t c = 0; c < classes; ++c) {
        int32_t& t = next[static_cast<size_t>(s) * classes + c];
        const int32_t via_fail = next[static_cast<size_t>(f) * classes + c];
        if (t < 0) {
          t = via_fail;
        } else {
          fail[t] = via_fail;
          queue.push_back(t);
        }
      }
    }
  }
};

ActorGazetteer::ActorGazetteer() : automaton_(std::make_unique<Automaton>()) {}
ActorGazetteer::~ActorGazetteer() = default;

size_t ActorGazetteer::pattern_count() const { return automaton_->patterns.size(); }

bool ActorGazetteer::FromTsv(std::string_view tsv, std::unique_ptr<ActorGazetteer>* out, std::string* error) {
  std::unique_ptr<ActorGazetteer> g(new ActorGazetteer());
  Automaton& a = *g->automaton_;
  std::unordered_map<std::string, size_t> pattern_index;  // lowered -> index in patterns
  std::unordered_map<std::string, size_t> name_line;
  size_t line_no = 0;
  size_t pos = 0;
  bool header_seen = false;
  auto fail = [&](const std::string& msg) {
    *error = "line " + std::to_string(line_no) + ": " + msg;
    return false;
  };
  while (pos <= tsv.size()) {
    size_t nl = tsv.find('\n', pos);
    if (nl == std::string_view::npos) nl = tsv.size();
    std::string_view line = tsv.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimBlank(line).empty() || line.front() == '#') continue;
    std::vector<std::string_view> cols;
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      cols.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    if (!header_seen) {
      header_seen = true;
      if (cols.size() >= 1 && TrimBlank(cols[0]) == "name") continue;  // the header row
    }
    if (cols.size() != 5) {
      return fail("expected 5 tab-separated columns (name, kind, country, level, aliases), found " +
                  std::to_string(cols.size()));
    }
    std::string_view raw_name = TrimBlank(cols[0]);
    const bool name_exact = !raw_name.empty() && raw_name.front() == '=';
    if (name_exact) raw_name.remove_prefix(1);
    if (raw_name.empty()) return fail("empty actor name");
    ActorRecord rec;
    rec.name = raw_name;
    rec.kind = TrimBlank(cols[1]);
    rec.country = TrimBlank(cols[2]);
    rec.level = TrimBlank(cols[3]);
    if (auto [it, inserted] = name_line.emplace(rec.name, line_no); !inserted) {
      return fail("actor '" + rec.name + "' is already defined on line " + std::to_string(it->second));
    }
    const auto actor = static_cast<uint32_t>(g->actors_.size());
    auto add = [&](std::string_view text, bool exact) -> bool {
      text = TrimBlank(text);
      if (!text.empty() && text.front() == '=') {
        exact = true;
        text.remove_prefix(1);
      }
      if (text.empty()) return true;
      exact = exact || IsAllCapsAcronym(text);
      std::string lowered(text);
      for (char& c : lowered) c = AsciiLower(c);
      auto [it, inserted] = pattern_index.emplace(lowered, a.patterns.size());
      if (inserted) a.patterns.push_back({lowered, {}});
      Automaton::Pattern& p = a.patterns[it->second];
      for (const auto& v : p.variants) {
        if (v.actor != actor) {
          *error = "line " + std::to_string(line_no) + ": '" + std::string(text) + "' already names '" +
                   g->actors_[v.actor].name + "'";
          return false;
        }
      }
      p.variants.push_back({actor, exact, std::string(text)});
      return true;
    };
    g->actors_.push_back(std::move(rec));
    if (!add(raw_name, name_exact)) return false;
    std::string_view aliases = cols[4];
    size_t s = 0;
    while (s <= aliases.size()) {
      size_t bar = aliases.find('|', s);
      if (bar == std::string_view::npos) bar = aliases.size();
      std::string_view alias = aliases.substr(s, bar - s);
      s = bar + 1;
      if (TrimBlank(alias).empty()) continue;
      g->actors_.back().aliases.emplace_back(TrimBlank(alias));
      if (!add(alias, false)) return false;
    }
  }
  if (g->actors_.empty()) {
    *error = "the gazetteer has no actors";
    return false;
  }
  a.Build();
  *out = std::move(g);
  return true;
}

bool ActorGazetteer::FromFile(const std::string& path, std::unique_ptr<ActorGazetteer>* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read actors gazetteer '" + path + "'";
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (!FromTsv(ss.str(), out, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

std::vector<ActorMention> ActorGazetteer::Find(const std::vector<ActorField>& fields) const {
  const Automaton& a = *automaton_;
  struct Hit {
    size_t begin, end;
    uint32_t actor;
  };
  std::vector<ActorMention> mentions;
  std::vector<int32_t> mention_of(actors_.size(), -1);
  std::vector<Hit> hits;
  for (const ActorField& field : fields) {
    const std::string_view text = field.text;
    hits.clear();
    int32_t state = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      state = a.Next(state, static_cast<unsigned char>(AsciiLower(text[i])));
      for (int32_t s = a.output[state] >= 0 ? state : a.output_link[state]; s >= 0; s = a.output_link[s]) {
        const Automaton::Pattern& p = a.patterns[a.output[s]];
        const size_t end = i + 1;
        const size_t begin = end - p.lowered.size();
        // Whole words: only where the pattern itself starts/ends with a word character.
        if (WordAt(p.lowered, 0) && WordBefore(text, begin)) continue;
        if (WordBefore(p.lowered, p.lowered.size()) && WordAt(text, end)) continue;
        for (const Automaton::Variant& v : p.variants) {
          if (v.exact_case && text.compare(begin, end - begin, v.written) != 0) continue;
          hits.push_back({begin, end, v.actor});
          break;
        }
      }
    }
    // Leftmost-longest, non-overlapping.
    std::sort(hits.begin(), hits.end(), [](const Hit& x, const Hit& y) {
      return x.begin != y.begin ? x.begin < y.begin : x.end > y.end;
    });
    size_t covered = 0;
    for (const Hit& h : hits) {
      if (h.begin < covered) continue;
      covered = h.end;
      int32_t& m = mention_of[h.actor];
      if (m < 0) {
        m = static_cast<int32_t>(mentions.size());
        ActorMention am;
        am.actor = h.actor;
        am.section = field.section;
        am.evidence = Sentence(text, h.begin, h.end);
        am.matched = text.substr(h.begin, h.end - h.begin);
        mentions.push_back(std::move(am));
      }
      ++mentions[m].count;
    }
  }
  return mentions;
}

}  // namespace trendgraph::formats
