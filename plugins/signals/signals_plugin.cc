// The "signals" source plugin: signals_parser's facts -> SDK calls.
//
// Graph (fixed schema, see docs/formats.md):
//   (:Article {id, title, page, published, url, category, type, summary, file_hash})
//   (Article)-[:HAS_KEYWORD]->(:Keyword {name, display})   ... one per label
//   (Article)-[:CLOSEST {rank}]->(Article) by file_hash, completed by the host
//   once the linked page is ingested.
#include <string>
#include <vector>

#include "signals_parser.h"
#include "trendgraph/plugin.hpp"

namespace trendgraph::formats {
namespace {

namespace sdk = ::trendgraph::sdk;

// Adds `key: value` unless the value is absent (empty).
void AddString(std::vector<tg_property>* props, std::string_view key, const std::string& value) {
  if (!value.empty()) props->push_back(sdk::Prop(key, sdk::Str(value)));
}

class SignalsPlugin final : public sdk::SourcePlugin {
 public:
  int Probe(std::string_view name, std::string_view bytes) override {
    if (LooksLikeSignalsDocument(bytes)) return 90;
    if (name.size() > 3 && name.substr(name.size() - 3) == ".md" && bytes.find("\n## Keywords") != std::string_view::npos)
      return 30;
    return 0;
  }

  sdk::Status Parse(sdk::Document& doc, std::string_view name, std::string_view bytes) override {
    // Per-thread scratch (Parse runs on several threads at once): the
    // document's vectors and the property list keep their capacity from one
    // page to the next.
    thread_local SignalsDocument parsed;
    thread_local std::vector<tg_property> props;
    std::string error;
    if (!ParseSignalsDocument(name, bytes, &parsed, &error)) return sdk::Status::InvalidInput(error);

    const SignalsArticle& a = parsed.article;
    props.clear();
    AddString(&props, "title", a.title);
    AddString(&props, "page", a.page);
    AddString(&props, "published", a.published);
    AddString(&props, "url", a.url);
    AddString(&props, "category", a.category);
    AddString(&props, "type", a.type);
    AddString(&props, "summary", a.summary);
    AddString(&props, "file_hash", a.file_hash);
    const sdk::NodeHandle article = doc.UpsertNode("Article", "id", sdk::Str(a.id), props);
    if (!doc.status().ok()) return doc.status();

    for (const SignalsConcept& c : parsed.concepts) {
      props.clear();
      AddString(&props, "display", c.display);
      const sdk::NodeHandle target = doc.UpsertNode(SignalsLabelName(c.label), "name", sdk::Str(c.name), props);
      props.clear();
      AddString(&props, "description", c.description);
      AddString(&props, "change", c.change);
      AddString(&props, "ten_year", c.ten_year);
      AddString(&props, "driving_force", c.driving_force);
      if (c.relevancy) props.push_back(sdk::Prop("relevancy", sdk::Int(*c.relevancy)));
      doc.Relate(SignalsRelationshipType(c.label), article, target, props);
    }
    for (const SignalsClosest& c : parsed.closest) {
      doc.RelateByKey("CLOSEST", article, "Article", "file_hash", sdk::Str(c.file_hash),
                      {sdk::Prop("rank", sdk::Int(c.rank))});
    }
    return doc.status();
  }
};

}  // namespace
}  // namespace trendgraph::formats

TG_DEFINE_PLUGIN(trendgraph::formats::SignalsPlugin, "signals", "1.0.0",
                 "Signals pages (markdown: title line, bullet lists, pipe tables; cmark-gfm)")
