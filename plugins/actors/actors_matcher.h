// A gazetteer of policy actors (governments, ministries, agencies, provinces
// and cities, companies, media, alliances) and an Aho-Corasick matcher that
// finds every actor named in a set of texts in one pass per text. No SDK
// dependency: actors_plugin.cc feeds it a document's texts.
//
// Gazetteer file (TSV, see examples/actors.tsv): header `name kind country
// level aliases`, aliases separated by '|', '#' comments. Matching is over
// ASCII-lower-cased bytes, whole words only (a neighbouring ASCII letter or
// digit, or a Latin/Greek/Cyrillic letter, prevents a match; CJK patterns
// need no boundary). A name or alias written in capitals only ("US", "EU",
// "BIS") or prefixed with '=' ("=Apple") matches its exact case only, so
// "us" and "apple pie" do not match. Overlapping matches resolve
// leftmost-longest ("Washington Post" wins over "Washington").
//
// Thread-safety: a built ActorGazetteer is immutable; Find may be called
// from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace trendgraph::formats {

struct ActorRecord {
  std::string name;  // canonical name, the PolicyActor node key
  std::string kind;  // government, ministry, agency, city, company, media, ...
  std::string country;
  std::string level;
  std::vector<std::string> aliases;
};

// One text to search: `section` names where it comes from (e.g. "title",
// "summary", "RAISES.description"); `text` must outlive Find.
struct ActorField {
  std::string_view section;
  std::string_view text;
};

// The first mention of one actor in the fields, plus how often it occurs.
struct ActorMention {
  uint32_t actor = 0;      // index into actors()
  std::string section;     // of the first mention
  std::string evidence;    // the sentence of the first mention (at most ~400 bytes)
  std::string matched;     // the text as written
  uint32_t count = 0;      // mentions over all fields
};

class ActorGazetteer {
 public:
  ~ActorGazetteer();
  ActorGazetteer(const ActorGazetteer&) = delete;
  ActorGazetteer& operator=(const ActorGazetteer&) = delete;

  // Parses a gazetteer. Errors name the line: a row without 5 columns, an
  // empty name, a repeated name, or an alias that already names another
  // actor.
  [[nodiscard]] static bool FromTsv(std::string_view tsv, std::unique_ptr<ActorGazetteer>* out, std::string* error);
  // Reads and parses `path`.
  [[nodiscard]] static bool FromFile(const std::string& path, std::unique_ptr<ActorGazetteer>* out,
                                     std::string* error);

  const std::vector<ActorRecord>& actors() const { return actors_; }
  size_t pattern_count() const;

  // Actors named in `fields`, in order of first mention.
  [[nodiscard]] std::vector<ActorMention> Find(const std::vector<ActorField>& fields) const;

 private:
  ActorGazetteer();
  struct Automaton;
  std::vector<ActorRecord> actors_;
  std::unique_ptr<Automaton> automaton_;
};

}  // namespace trendgraph::formats
