// The "news" source plugin: news_parser's facts -> SDK calls.
//
//   (:Article {id, title, url, web_url, amp_url, published, published_at, category, type,
//              excerpt, image, quality, heat, site_published})
//   (Article)-[:PUBLISHED_BY]->(:Provider {name, display, domain})
//   (Article)-[:TAGGED]->(:Topic {name, display})
//   (Article)-[:RELATED_TO {rank}]->(:Article {id, title, url, published})
#include <string>
#include <vector>

#include "news_parser.h"
#include "trendgraph/plugin.hpp"

namespace trendgraph::formats {
namespace {

namespace sdk = ::trendgraph::sdk;

void AddString(std::vector<tg_property>* props, std::string_view key, const std::string& value) {
  if (!value.empty()) props->push_back(sdk::Prop(key, sdk::Str(value)));
}

sdk::NodeHandle UpsertProvider(sdk::Document& doc, const NewsProvider& p, std::vector<tg_property>* props) {
  props->clear();
  AddString(props, "display", p.name.display);
  AddString(props, "domain", p.domain);
  return doc.UpsertNode("Provider", "name", sdk::Str(p.name.name), *props);
}

class NewsPlugin final : public sdk::SourcePlugin {
 public:
  int Probe(std::string_view /*name*/, std::string_view bytes) override {
    if (!LooksLikeNewsDocument(bytes)) return 0;
    const std::string_view head = bytes.substr(0, 4096);
    return head.find("\npublishedDateTime:") != std::string_view::npos ? 90 : 60;
  }

  sdk::Status Parse(sdk::Document& doc, std::string_view name, std::string_view bytes) override {
    NewsDocument parsed;
    std::string error;
    if (!ParseNewsDocument(name, bytes, &parsed, &error)) return sdk::Status::InvalidInput(error);

    const NewsArticle& a = parsed.article;
    std::vector<tg_property> props;
    props.reserve(16);
    AddString(&props, "title", a.title);
    AddString(&props, "url", a.url);
    AddString(&props, "web_url", a.web_url);
    AddString(&props, "amp_url", a.amp_url);
    AddString(&props, "published", a.published);
    AddString(&props, "published_at", a.published_at);
    AddString(&props, "category", a.category);
    AddString(&props, "type", a.type);
    AddString(&props, "excerpt", a.excerpt);
    AddString(&props, "image", a.image);
    if (a.quality) props.push_back(sdk::Prop("quality", sdk::Int(*a.quality)));
    if (a.heat) props.push_back(sdk::Prop("heat", sdk::Int(*a.heat)));
    if (a.site_published) props.push_back(sdk::Prop("site_published", sdk::Bool(*a.site_published)));
    // The item's own Article is upserted first: it is the document's subject.
    const sdk::NodeHandle article = doc.UpsertNode("Article", "id", sdk::Str(a.id), props);
    if (!doc.status().ok()) return doc.status();
    doc.SetSubject(article);

    if (parsed.provider) {
      doc.Relate("PUBLISHED_BY", article, UpsertProvider(doc, *parsed.provider, &props));
    }
    for (const NewsName& t : parsed.topics) {
      props.clear();
      AddString(&props, "display", t.display);
      doc.Relate("TAGGED", article, doc.UpsertNode("Topic", "name", sdk::Str(t.name), props));
    }
    for (const NewsRelated& r : parsed.related) {
      props.clear();
      AddString(&props, "title", r.title);
      AddString(&props, "url", r.url);
      AddString(&props, "published", r.published);
      const sdk::NodeHandle other = doc.UpsertNode("Article", "id", sdk::Str(r.id), props);
      doc.Relate("RELATED_TO", article, other, {sdk::Prop("rank", sdk::Int(r.rank))});
      if (r.provider) doc.Relate("PUBLISHED_BY", other, UpsertProvider(doc, *r.provider, &props));
    }
    return doc.status();
  }
};

}  // namespace
}  // namespace trendgraph::formats

TG_DEFINE_PLUGIN(trendgraph::formats::NewsPlugin, "news", "1.0.0",
                 "News items (YAML front matter: article, provider, topics, related articles; yaml-cpp)")
