// Test enricher "tp_enrich": reads the document's facts back and links every
// Article whose title names "Nvidia" to (:PolicyActor {name: 'nvidia'}) with
// the title as evidence. A title containing "enrich-fail" fails the document.
#include <string>
#include <string_view>
#include <vector>

#include "trendgraph/plugin.hpp"

namespace sdk = trendgraph::sdk;

namespace {

class EnrichPlugin final : public sdk::EnricherPlugin {
 public:
  sdk::Status Enrich(sdk::Document& doc) override {
    // Collect first: views are invalidated by emitting.
    struct Hit {
      sdk::NodeHandle article;
      std::string evidence;
    };
    std::vector<Hit> hits;
    for (size_t i = 0; i < doc.node_count(); ++i) {
      sdk::NodeFact n = doc.Node(i);
      if (n.label != "Article") continue;
      sdk::ValueView title = n.Property("title");
      if (!title.is_string()) continue;
      if (title.AsString().find("enrich-fail") != std::string_view::npos)
        return sdk::Status::InvalidInput("enricher refuses '" + std::string(title.AsString()) + "'");
      if (title.AsString().find("Nvidia") != std::string_view::npos)
        hits.push_back({n.handle, std::string(title.AsString())});
    }
    for (const Hit& h : hits) {
      auto actor = doc.UpsertNode("PolicyActor", "name", sdk::Str("nvidia"),
                                  {sdk::Prop("display", sdk::Str("Nvidia")), sdk::Prop("kind", sdk::Str("company"))});
      doc.Relate("MENTIONS_ACTOR", h.article, actor, {sdk::Prop("evidence", sdk::Str(h.evidence))});
    }
    return sdk::Status::Ok();
  }
};

}  // namespace

TG_DEFINE_PLUGIN(EnrichPlugin, "tp_enrich", "1.0.0", "test enricher: Nvidia mentions")
