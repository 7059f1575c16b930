// rss: an example out-of-tree trendgraph source plugin for RSS 2.0 and Atom
// feeds, written against the installed SDK only (trendgraph/plugin.hpp).
//
// Graph it emits, per feed document:
//   (:Feed {id, title, url})                    the document's subject
//   (:Feed)-[:LISTS {rank}]->(:Article {id, title, url, published, summary})
//   (:Article)-[:TAGGED]->(:Topic {name, display})   one per <category>
// Article.id is the canonical item URL (lower-case scheme and host, no
// fragment, no utm_* parameters, no trailing '/'); Topic.name is the category
// with whitespace collapsed, trimmed and lower-cased (ASCII).
//
// The parser is deliberately small: it scans for <item>/<entry> elements and
// their children, decodes the five XML entities and numeric character
// references, unwraps CDATA and strips markup from summaries (escaped HTML
// in a description counts as markup, as RSS readers treat it). It is not a
// validating XML parser; malformed feeds fail with a message naming what is
// wrong. Non-UTF-8 text is refused by the host.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "trendgraph/plugin.hpp"

namespace sdk = trendgraph::sdk;

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string CollapseSpace(std::string_view s) {
  std::string out;
  bool pending = false;
  for (char c : s) {
    if (IsSpace(c)) {
      pending = !out.empty();
      continue;
    }
    if (pending) out.push_back(' ');
    pending = false;
    out.push_back(c);
  }
  return out;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes entities; unknown entities are kept as written.
std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") out.push_back('&');
    else if (ent == "lt") out.push_back('<');
    else if (ent == "gt") out.push_back('>');
    else if (ent == "quot") out.push_back('"');
    else if (ent == "apos") out.push_back('\'');
    else if (ent == "nbsp") AppendUtf8(0xA0, &out);
    else if (!ent.empty() && ent[0] == '#') {
      uint32_t cp = 0;
      bool hex = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X');
      bool ok = ent.size() > (hex ? 2u : 1u);
      for (size_t j = hex ? 2 : 1; j < ent.size() && ok; ++j) {
        char c = ent[j];
        int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                : hex && std::isxdigit(static_cast<unsigned char>(c)) ? (std::tolower(c) - 'a' + 10)
                                                                       : -1;
        if (d < 0 || cp > 0x10FFFF) ok = false;
        else cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      }
      if (!ok) {
        out.append(s.substr(i, semi - i + 1));
      } else {
        AppendUtf8(cp, &out);
      }
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

// The raw inner text of an element: CDATA unwrapped, entities decoded
// outside CDATA.
std::string InnerText(std::string_view raw) {
  std::string out;
  size_t i = 0;
  while (i < raw.size()) {
    size_t cdata = raw.find("<![CDATA[", i);
    if (cdata == std::string_view::npos) {
      out += DecodeEntities(raw.substr(i));
      break;
    }
    out += DecodeEntities(raw.substr(i, cdata - i));
    size_t end = raw.find("]]>", cdata + 9);
    if (end == std::string_view::npos) end = raw.size();
    out.append(raw.substr(cdata + 9, end - cdata - 9));
    i = end == raw.size() ? end : end + 3;
  }
  return out;
}

// Removes markup; block-level tags become a space, inline ones (b, i, em,
// strong, a, span, code, sup, sub) nothing, so "<b>Shanghai</b>," stays
// "Shanghai,".
std::string StripTags(std::string_view html) {
  static const char* kInline[] = {"b", "i", "em", "strong", "a", "span", "code", "sup", "sub", "u"};
  std::string out;
  size_t i = 0;
  while (i < html.size()) {
    if (html[i] != '<') {
      out.push_back(html[i++]);
      continue;
    }
    size_t end = html.find('>', i);
    if (end == std::string_view::npos) break;  // an unterminated tag: drop the rest
    size_t n = i + 1;
    if (n < end && html[n] == '/') ++n;
    size_t name_end = n;
    while (name_end < end && std::isalnum(static_cast<unsigned char>(html[name_end]))) ++name_end;
    std::string name(html.substr(n, name_end - n));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool is_inline = false;
    for (const char* t : kInline) is_inline = is_inline || name == t;
    if (!is_inline) out.push_back(' ');
    i = end + 1;
  }
  return out;
}

// An element found in a block: its attributes text and its raw content.
struct Element {
  std::string_view attrs;
  std::string_view content;
  bool found = false;
};

// Finds the next <name ...>...</name> (or <name .../>) at or after `pos`.
Element FindElement(std::string_view block, std::string_view name, size_t* pos) {
  Element e;
  std::string open = "<" + std::string(name);
  std::string close = "</" + std::string(name) + ">";
  size_t p = *pos;
  while ((p = block.find(open, p)) != std::string_view::npos) {
    size_t after = p + open.size();
    if (after < block.size() && (block[after] == '>' || block[after] == '/' || IsSpace(block[after]))) break;
    p = after;
  }
  if (p == std::string_view::npos) {
    *pos = block.size();
    return e;
  }
  size_t gt = block.find('>', p);
  if (gt == std::string_view::npos) {
    *pos = block.size();
    return e;
  }
  e.found = true;
  bool self_closing = gt > p && block[gt - 1] == '/';
  e.attrs = block.substr(p + open.size(), gt - p - open.size() - (self_closing ? 1 : 0));
  if (self_closing) {
    *pos = gt + 1;
    return e;
  }
  size_t end = block.find(close, gt + 1);
  if (end == std::string_view::npos) end = block.size();
  e.content = block.substr(gt + 1, end - gt - 1);
  *pos = end == block.size() ? end : end + close.size();
  return e;
}

std::string Text(std::string_view block, std::string_view name) {
  size_t pos = 0;
  Element e = FindElement(block, name, &pos);
  return e.found ? CollapseSpace(InnerText(e.content)) : std::string();
}

std::string Attribute(std::string_view attrs, std::string_view name) {
  size_t p = 0;
  while ((p = attrs.find(name, p)) != std::string_view::npos) {
    bool starts = p == 0 || IsSpace(attrs[p - 1]);
    size_t q = p + name.size();
    while (q < attrs.size() && IsSpace(attrs[q])) ++q;
    if (starts && q < attrs.size() && attrs[q] == '=') {
      ++q;
      while (q < attrs.size() && IsSpace(attrs[q])) ++q;
      if (q < attrs.size() && (attrs[q] == '"' || attrs[q] == '\'')) {
        char quote = attrs[q];
        size_t end = attrs.find(quote, q + 1);
        if (end != std::string_view::npos) return DecodeEntities(attrs.substr(q + 1, end - q - 1));
      }
    }
    p = q;
  }
  return std::string();
}

// Lower-case scheme and host, no fragment, no utm_* parameters, no trailing '/'.
std::string CanonicalUrl(std::string url) {
  size_t hash = url.find('#');
  if (hash != std::string::npos) url.resize(hash);
  size_t scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    size_t host_end = url.find_first_of("/?", scheme_end + 3);
    if (host_end == std::string::npos) host_end = url.size();
    for (size_t i = 0; i < host_end; ++i) url[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(url[i])));
  }
  size_t q = url.find('?');
  if (q != std::string::npos) {
    std::string query = url.substr(q + 1), kept;
    url.resize(q);
    size_t start = 0;
    while (start <= query.size()) {
      size_t amp = query.find('&', start);
      std::string param = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      if (!param.empty() && param.rfind("utm_", 0) != 0) kept += (kept.empty() ? "" : "&") + param;
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (!kept.empty()) url += "?" + kept;
    return url;
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// "Tue, 05 Mar 2024 08:30:00 GMT" or "2024-03-05T08:30:00Z" -> "2024-03-05".
std::string IsoDate(std::string_view s) {
  auto digits = [](std::string_view t) {
    for (char c : t)
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return !t.empty();
  };
  if (s.size() >= 10 && digits(s.substr(0, 4)) && s[4] == '-' && digits(s.substr(5, 2)) && s[7] == '-' &&
      digits(s.substr(8, 2)))
    return std::string(s.substr(0, 10));
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  std::vector<std::string> words;
  std::string w;
  for (char c : s) {
    if (IsSpace(c) || c == ',') {
      if (!w.empty()) words.push_back(w);
      w.clear();
    } else {
      w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  if (!w.empty()) words.push_back(w);
  for (size_t i = 0; i + 2 < words.size(); ++i) {
    if (!digits(words[i]) || words[i].size() > 2) continue;
    for (int m = 0; m < 12; ++m) {
      if (words[i + 1].rfind(kMonths[m], 0) == 0 && digits(words[i + 2]) && words[i + 2].size() == 4) {
        int day = std::stoi(words[i]);
        if (day < 1 || day > 31) return std::string();
        char buf[16];
        std::snprintf(buf, sizeof buf, "%s-%02d-%02d", words[i + 2].c_str(), m + 1, day);
        return buf;
      }
    }
  }
  return std::string();
}

std::string NormaliseName(std::string_view s) {
  std::string out = CollapseSpace(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Item {
  std::string title, link, published, summary;
  std::vector<std::string> categories;
};

class RssPlugin final : public sdk::SourcePlugin {
 public:
  int Probe(std::string_view, std::string_view bytes) override {
    std::string_view head = bytes.substr(0, 2048);
    if (head.find("<rss") != std::string_view::npos && head.find("<channel") != std::string_view::npos) return 90;
    if (head.find("<feed") != std::string_view::npos && head.find("http://www.w3.org/2005/Atom") != std::string_view::npos)
      return 90;
    return 0;
  }

  sdk::Status Parse(sdk::Document& doc, std::string_view name, std::string_view bytes) override {
    const bool atom = bytes.find("<rss") == std::string_view::npos;
    if (atom && bytes.find("<feed") == std::string_view::npos)
      return sdk::Status::InvalidInput("not an RSS 2.0 or Atom feed: no <rss> or <feed> element");
    const std::string_view item_tag = atom ? "entry" : "item";

    // The channel's own title/link come before the first item.
    size_t first = bytes.find("<" + std::string(item_tag));
    std::string_view head = bytes.substr(0, first == std::string_view::npos ? bytes.size() : first);
    std::string feed_title = Text(head, "title");
    std::string feed_url = atom ? LinkOf(head) : Text(head, "link");
    std::string feed_id = feed_url.empty() ? "file:" + std::string(name) : CanonicalUrl(feed_url);
    sdk::NodeHandle feed = doc.UpsertNode("Feed", "id", sdk::Str(feed_id),
                                          {sdk::Prop("title", feed_title.empty() ? sdk::Null() : sdk::Str(feed_title)),
                                           sdk::Prop("url", feed_url.empty() ? sdk::Null() : sdk::Str(feed_url))});
    doc.SetSubject(feed);

    size_t pos = 0;
    int64_t rank = 0;
    for (;;) {
      size_t before = pos;
      Element e = FindElement(bytes, item_tag, &pos);
      if (!e.found) break;
      if (pos == bytes.size() && bytes.find("</" + std::string(item_tag) + ">", before) == std::string_view::npos)
        return sdk::Status::InvalidInput("<" + std::string(item_tag) + "> number " + std::to_string(rank + 1) +
                                         " is not closed");
      Item item = ParseItem(e.content, atom);
      if (item.link.empty() && item.title.empty()) continue;  // nothing to key it by
      std::string id = item.link.empty() ? feed_id + "#" + item.title : CanonicalUrl(item.link);
      std::vector<tg_property> props;
      props.push_back(sdk::Prop("title", sdk::Str(item.title)));
      if (!item.link.empty()) props.push_back(sdk::Prop("url", sdk::Str(item.link)));
      if (!item.published.empty()) props.push_back(sdk::Prop("published", sdk::Str(item.published)));
      if (!item.summary.empty()) props.push_back(sdk::Prop("summary", sdk::Str(item.summary)));
      sdk::NodeHandle article = doc.UpsertNode("Article", "id", sdk::Str(id), props);
      doc.Relate("LISTS", feed, article, {sdk::Prop("rank", sdk::Int(++rank))});
      for (const std::string& c : item.categories) {
        std::string topic = NormaliseName(c);
        if (topic.empty()) continue;
        sdk::NodeHandle t = doc.UpsertNode("Topic", "name", sdk::Str(topic), {sdk::Prop("display", sdk::Str(c))});
        doc.Relate("TAGGED", article, t);
      }
    }
    return doc.status();
  }

 private:
  // Atom: <link href="..."/>, preferring rel="alternate" (or no rel).
  static std::string LinkOf(std::string_view block) {
    size_t pos = 0;
    std::string fallback;
    for (;;) {
      Element e = FindElement(block, "link", &pos);
      if (!e.found) break;
      std::string rel = Attribute(e.attrs, "rel");
      std::string href = Attribute(e.attrs, "href");
      if (href.empty()) href = CollapseSpace(InnerText(e.content));
      if (rel.empty() || rel == "alternate") return href;
      if (fallback.empty()) fallback = href;
    }
    return fallback;
  }

  static Item ParseItem(std::string_view block, bool atom) {
    Item item;
    item.title = CollapseSpace(StripTags(Text(block, "title")));
    item.link = atom ? LinkOf(block) : Text(block, "link");
    if (item.link.empty() && !atom) {
      size_t pos = 0;
      Element guid = FindElement(block, "guid", &pos);
      std::string g = guid.found ? CollapseSpace(InnerText(guid.content)) : std::string();
      if (g.rfind("http", 0) == 0) item.link = g;
    }
    std::string date = Text(block, atom ? "published" : "pubDate");
    if (date.empty()) date = Text(block, atom ? "updated" : "dc:date");
    item.published = IsoDate(date);
    std::string summary = Text(block, atom ? "summary" : "description");
    if (summary.empty() && atom) summary = Text(block, "content");
    item.summary = CollapseSpace(StripTags(summary));
    size_t pos = 0;
    for (;;) {
      Element c = FindElement(block, "category", &pos);
      if (!c.found) break;
      std::string v = atom ? Attribute(c.attrs, "term") : CollapseSpace(InnerText(c.content));
      if (!v.empty()) item.categories.push_back(v);
    }
    return item;
  }
};

}  // namespace

TG_DEFINE_PLUGIN(RssPlugin, "rss", "0.1.0", "RSS 2.0 / Atom feeds: items as Article nodes")
