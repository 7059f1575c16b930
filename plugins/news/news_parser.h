// The "news" item format (everyday-cc/ai _news/*.md): a YAML front matter
// block between '---' lines and no body. Bytes in, plain facts out; no SDK
// dependency (news_plugin.cc turns the facts into SDK calls).
//
// The front matter is parsed with yaml-cpp, then read field by field from a
// fixed schema: no generic walk of the YAML tree, so aliases (shared or even
// self-referencing nodes, "billion laughs") cost nothing to read, and a
// node-visit budget bounds the work on huge lists. yaml-cpp 0.7 refuses
// nesting deeper than its own limit ("bad file"), which is reported as a
// YAML error with its position.
//
// Thread-safety: ParseNewsDocument may be called from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trendgraph::formats {

// A concept-like node keyed by normalised name (Provider, Topic).
struct NewsName {
  std::string name;     // normalised key
  std::string display;  // as written
};

struct NewsProvider {
  NewsName name;
  std::string domain;  // empty: absent
};

// Empty strings and nullopt mean "absent".
struct NewsArticle {
  std::string id;            // canonical originalUrl, else webUrl, else "file:<file name>"
  std::string title;
  std::string url;           // originalUrl, else webUrl
  std::string web_url;       // webUrl
  std::string amp_url;       // ampWebUrl
  std::string published;     // YYYY-MM-DD: the date part of publishedDateTime
  std::string published_at;  // publishedDateTime as written
  std::string category;
  std::string type;
  std::string excerpt;
  std::string image;                  // url of the first images entry
  std::optional<int64_t> quality;
  std::optional<int64_t> heat;        // absent when the source says -1 ("unknown")
  std::optional<bool> site_published; // the YAML field `published: true|false`
};

// A `related:` item: another Article, keyed by its canonical webUrl.
struct NewsRelated {
  std::string id;
  std::string url;
  std::string title;
  std::string published;  // YYYY-MM-DD
  std::string excerpt;
  std::optional<NewsProvider> provider;
  int32_t rank = 0;  // 1-based position in the list
};

struct NewsDocument {
  NewsArticle article;
  std::optional<NewsProvider> provider;
  std::vector<NewsName> topics;        // deduplicated by normalised name
  std::vector<NewsRelated> related;    // deduplicated by id; the article itself dropped
  void Clear();
};

struct NewsParseOptions {
  // Documents larger than this are refused (default 4 MiB; real items are
  // under 50 KB).
  size_t max_document_bytes = size_t{4} << 20;
  // At most this many YAML nodes are read (default 100,000).
  size_t max_node_visits = 100000;
};

// True when `text` starts with a YAML front matter block that has a title.
[[nodiscard]] bool LooksLikeNewsDocument(std::string_view text);

// Parses one item. Returns false with `*error` set (what is wrong, with the
// YAML line and column when yaml-cpp reports one) on: bytes that are not
// UTF-8 text, no front matter (or no closing '---'), a YAML syntax error,
// front matter that is not a mapping, no `title`, a field of the wrong shape
// (e.g. `provider` not a mapping, `quality` not an integer), or a document
// over the size or node budget. On false `*doc` holds nothing useful.
[[nodiscard]] bool ParseNewsDocument(std::string_view file_name, std::string_view text, NewsDocument* doc,
                                     std::string* error, const NewsParseOptions& options = {});

}  // namespace trendgraph::formats
