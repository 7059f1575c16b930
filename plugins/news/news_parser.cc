#include "news_parser.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <unordered_set>

#include "format_text.h"

namespace trendgraph::formats {
namespace {

// Thrown inside the walk, caught in ParseNewsDocument: one error per document.
struct NewsError {
  std::string message;
};

std::string_view BaseName(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The line `text` starts with, and where the next one starts.
std::string_view FirstLine(std::string_view text, size_t* next) {
  size_t nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  *next = nl == std::string_view::npos ? text.size() : nl + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool IsFence(std::string_view line) { return TrimBlank(line) == "---"; }

// The YAML between the opening and the closing '---' lines.
bool ExtractFrontMatter(std::string_view text, std::string_view* yaml, std::string* error) {
  size_t pos = 0;
  if (!IsFence(FirstLine(text, &pos))) {
    *error = "no YAML front matter: line 1 must be '---'";
    return false;
  }
  const size_t start = pos;
  while (pos < text.size()) {
    size_t next = 0;
    std::string_view line = FirstLine(text.substr(pos), &next);
    if (IsFence(line) || TrimBlank(line) == "...") {
      *yaml = text.substr(start, pos - start);
      return true;
    }
    pos += next;
  }
  *error = "the YAML front matter opened on line 1 is not closed by a '---' line";
  return false;
}

class NewsWalker {
 public:
  NewsWalker(const NewsParseOptions& options, NewsDocument* doc) : options_(options), doc_(doc) {}

  void Walk(const YAML::Node& root, std::string_view file_name);

 private:
  void Visit() {
    if (++visits_ > options_.max_node_visits) {
      throw NewsError{"front matter has more than " + std::to_string(options_.max_node_visits) + " YAML nodes"};
    }
  }
  // A scalar field as text; "" for null. Errors when it is a list or map.
  std::string Scalar(const YAML::Node& n, std::string_view field) {
    Visit();
    if (n.IsNull()) return {};
    if (!n.IsScalar()) throw NewsError{"'" + std::string(field) + "' must be a string, not a " + KindName(n)};
    return n.Scalar();
  }
  std::optional<int64_t> Integer(const YAML::Node& n, std::string_view field) {
    std::string s = Scalar(n, field);
    if (s.empty()) return std::nullopt;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) {
      throw NewsError{"'" + std::string(field) + "' is '" + s + "', not an integer"};
    }
    return v;
  }
  std::optional<bool> Boolean(const YAML::Node& n, std::string_view field) {
    std::string s = Scalar(n, field);
    if (s.empty()) return std::nullopt;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    throw NewsError{"'" + std::string(field) + "' is '" + s + "', not true or false"};
  }
  static std::string KindName(const YAML::Node& n) {
    if (n.IsSequence()) return "list";
    if (n.IsMap()) return "mapping";
    return "scalar";
  }
  static std::string DateOf(const std::string& iso) {
    // "2024-03-05T00:00:00Z" -> "2024-03-05" when the date is valid.
    if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return {};
    std::string digits = iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2);
    if (iso.size() > 10 && iso[10] != 'T' && iso[10] != 't' && iso[10] != ' ') return {};
    return IsoDateFromPage(digits);
  }
  std::optional<NewsProvider> Provider(const YAML::Node& n, std::string_view field);
  std::string FirstImage(const YAML::Node& n, std::string_view field);
  void Related(const YAML::Node& n);

  const NewsParseOptions& options_;
  NewsDocument* doc_;
  size_t visits_ = 0;
  std::unordered_set<std::string> seen_topics_;
  std::unordered_set<std::string> seen_related_;
};

std::optional<NewsProvider> NewsWalker::Provider(const YAML::Node& n, std::string_view field) {
  Visit();
  if (n.IsNull()) return std::nullopt;
  if (!n.IsMap()) throw NewsError{"'" + std::string(field) + "' must be a mapping, not a " + KindName(n)};
  NewsProvider p;
  for (const auto& kv : n) {
    Visit();
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    if (key == "name") {
      std::string name = Scalar(kv.second, std::string(field) + ".name");
      p.name.display = TrimBlank(name);
      p.name.name = NormaliseName(name);
    } else if (key == "domain") {
      p.domain = TrimBlank(Scalar(kv.second, std::string(field) + ".domain"));
    }
  }
  if (p.name.name.empty()) return std::nullopt;
  return p;
}

std::string NewsWalker::FirstImage(const YAML::Node& n, std::string_view field) {
  Visit();
  if (n.IsNull() || !n.IsSequence() || n.size() == 0) return {};
  const YAML::Node first = n[0];
  Visit();
  if (!first.IsMap()) return {};
  const YAML::Node url = first["url"];
  return url ? Scalar(url, std::string(field) + "[0].url") : std::string();
}

void NewsWalker::Related(const YAML::Node& n) {
  Visit();
  if (n.IsNull()) return;
  if (!n.IsSequence()) throw NewsError{"'related' must be a list, not a " + KindName(n)};
  int32_t rank = 0;
  for (const auto& item : n) {
    Visit();
    ++rank;
    const std::string where = "related[" + std::to_string(rank - 1) + "]";
    if (!item.IsMap()) throw NewsError{"'" + where + "' must be a mapping, not a " + KindName(item)};
    NewsRelated r;
    r.rank = rank;
    std::string web_url, original_url;
    for (const auto& kv : item) {
      Visit();
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      if (key == "title") r.title = TrimBlank(Scalar(kv.second, where + ".title"));
      else if (key == "webUrl") web_url = TrimBlank(Scalar(kv.second, where + ".webUrl"));
      else if (key == "originalUrl") original_url = TrimBlank(Scalar(kv.second, where + ".originalUrl"));
      else if (key == "publishedDateTime") r.published = DateOf(Scalar(kv.second, where + ".publishedDateTime"));
      else if (key == "excerpt") r.excerpt = Scalar(kv.second, where + ".excerpt");
      else if (key == "provider") r.provider = Provider(kv.second, where + ".provider");
    }
    r.url = !original_url.empty() ? original_url : web_url;
    if (r.url.empty()) continue;  // nothing to key the related article by
    r.id = CanonicalUrl(r.url);
    if (r.id == doc_->article.id) continue;
    if (seen_related_.insert(r.id).second) doc_->related.push_back(std::move(r));
  }
}

void NewsWalker::Walk(const YAML::Node& root, std::string_view file_name) {
  Visit();
  if (!root.IsMap()) throw NewsError{"the front matter must be a YAML mapping, not a " + KindName(root)};
  NewsArticle& a = doc_->article;
  std::string original_url;
  const YAML::Node* related = nullptr;
  YAML::Node related_node;
  bool has_title = false;
  for (const auto& kv : root) {
    Visit();
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    const YAML::Node& v = kv.second;
    if (key == "title") {
      a.title = TrimBlank(Scalar(v, key));
      has_title = true;
    } else if (key == "category") {
      a.category = TrimBlank(Scalar(v, key));
    } else if (key == "excerpt") {
      a.excerpt = Scalar(v, key);
    } else if (key == "publishedDateTime") {
      a.published_at = TrimBlank(Scalar(v, key));
      a.published = DateOf(a.published_at);
    } else if (key == "originalUrl") {
      original_url = TrimBlank(Scalar(v, key));
    } else if (key == "webUrl") {
      a.web_url = TrimBlank(Scalar(v, key));
    } else if (key == "ampWebUrl") {
      a.amp_url = TrimBlank(Scalar(v, key));
    } else if (key == "type") {
      a.type = TrimBlank(Scalar(v, key));
    } else if (key == "quality") {
      a.quality = Integer(v, key);
    } else if (key == "heat") {
      a.heat = Integer(v, key);
      if (a.heat == -1) a.heat.reset();
    } else if (key == "published") {
      a.site_published = Boolean(v, key);
    } else if (key == "provider") {
      doc_->provider = Provider(v, key);
    } else if (key == "images") {
      a.image = FirstImage(v, key);
    } else if (key == "topics") {
      Visit();
      if (v.IsNull()) continue;
      if (!v.IsSequence()) throw NewsError{"'topics' must be a list, not a " + KindName(v)};
      size_t i = 0;
      for (const auto& t : v) {
        std::string s = Scalar(t, "topics[" + std::to_string(i++) + "]");
        NewsName topic{NormaliseName(s), std::string(TrimBlank(s))};
        if (!topic.name.empty() && seen_topics_.insert(topic.name).second) doc_->topics.push_back(std::move(topic));
      }
    } else if (key == "related") {
      related_node = v;
      related = &related_node;
    }
  }
  if (!has_title || a.title.empty()) throw NewsError{"the front matter has no 'title'"};
  a.url = !original_url.empty() ? original_url : a.web_url;
  a.id = a.url.empty() ? "file:" + std::string(file_name) : CanonicalUrl(a.url);
  // After the article id is known, so a related copy of the item itself is dropped.
  if (related) Related(*related);
}

}  // namespace

void NewsDocument::Clear() {
  article = NewsArticle();
  provider.reset();
  topics.clear();
  related.clear();
}

bool LooksLikeNewsDocument(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.substr(0, 4) != "---\n" && text.substr(0, 5) != "---\r\n") return false;
  return text.substr(0, 4096).find("\ntitle:") != std::string_view::npos;
}

bool ParseNewsDocument(std::string_view file_name, std::string_view text, NewsDocument* doc, std::string* error,
                       const NewsParseOptions& options) {
  doc->Clear();
  error->clear();
  if (!CheckDocumentText(&text, options.max_document_bytes, "news", "a news item", error)) return false;
  std::string_view yaml;
  if (!ExtractFrontMatter(text, &yaml, error)) return false;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    NewsWalker walker(options, doc);
    walker.Walk(root, BaseName(file_name));
    return true;
  } catch (const NewsError& e) {
    *error = e.message;
  } catch (const YAML::Exception& e) {
    // Marks are 0-based within the front matter, which starts on line 2.
    *error = "YAML error";
    if (!e.mark.is_null()) {
      *error += " at line " + std::to_string(e.mark.line + 2) + ", column " + std::to_string(e.mark.column + 1);
    }
    *error += ": " + e.msg;
    if (e.msg == "bad file") *error += " (nesting too deep)";
  } catch (const std::exception& e) {
    *error = std::string("front matter could not be read: ") + e.what();
  }
  doc->Clear();
  return false;
}

}  // namespace trendgraph::formats
