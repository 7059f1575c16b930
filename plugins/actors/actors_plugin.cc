// The "actors" enricher: finds the policy actors a document names and links
// them to the document's subject Article:
//   (Article)-[:MENTIONS_ACTOR {evidence, section, matched, count}]->
//       (:PolicyActor {name, display, kind, country, level})
// PolicyActor is keyed like every concept node: `name` is the normalised
// gazetteer name (whitespace collapsed, trimmed, lower-cased) and `display`
// the name as written in the gazetteer, so the compute-voucher model's actors
// (vouchers.load) are the same nodes.
//
// Texts searched: the subject's title, summary and excerpt, and the string
// properties (description, change, ten_year, driving_force) of the
// relationships leaving it (the signals tables). The gazetteer is read once
// at init from the file named by TRENDGRAPH_ACTORS, else the installed
// share/trendgraph/actors.tsv, else the source tree's examples/actors.tsv.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors_matcher.h"
#include "format_text.h"
#include "trendgraph/plugin.hpp"

namespace trendgraph::formats {
namespace {

namespace sdk = ::trendgraph::sdk;

constexpr std::string_view kArticleTexts[] = {"title", "summary", "excerpt"};
constexpr std::string_view kRelTexts[] = {"description", "change", "ten_year", "driving_force"};

class ActorsPlugin final : public sdk::EnricherPlugin {
 public:
  sdk::Status Init() override {
    std::vector<std::string> candidates;
    if (auto configured = Config("actors")) {
      candidates.push_back(*configured);  // explicit: no fallback when it is wrong
    } else {
      candidates = {TRENDGRAPH_ACTORS_INSTALLED_FILE, TRENDGRAPH_ACTORS_SOURCE_FILE};
    }
    std::string error = "no actors gazetteer found (set TRENDGRAPH_ACTORS to a TSV file)";
    for (const std::string& path : candidates) {
      std::error_code ec;
      if (candidates.size() > 1 && !std::filesystem::exists(path, ec)) continue;
      if (!ActorGazetteer::FromFile(path, &gazetteer_, &error)) return sdk::Status::InvalidInput(error);
      Log(TG_LOG_INFO, "actors: " + std::to_string(gazetteer_->actors().size()) + " actors, " +
                           std::to_string(gazetteer_->pattern_count()) + " names from " + path);
      return sdk::Status::Ok();
    }
    return sdk::Status::InvalidInput(error);
  }

  sdk::Status Enrich(sdk::Document& doc) override {
    const sdk::NodeHandle subject = doc.subject();
    if (subject == 0) return sdk::Status::Ok();
    // Copy the texts first: fact views die at the next emitting call.
    std::vector<std::string> sections, texts;
    const sdk::NodeFact article = doc.NodeOf(subject);
    for (std::string_view key : kArticleTexts) {
      sdk::ValueView v = article.Property(key);
      if (v.is_string() && !v.AsString().empty()) {
        sections.emplace_back(key);
        texts.emplace_back(v.AsString());
      }
    }
    const size_t rels = doc.rel_count();
    for (size_t i = 0; i < rels; ++i) {
      const sdk::RelFact r = doc.Rel(i);
      if (r.from != subject || r.type == "MENTIONS_ACTOR") continue;
      for (std::string_view key : kRelTexts) {
        sdk::ValueView v = r.Property(key);
        if (v.is_string() && !v.AsString().empty()) {
          sections.push_back(std::string(r.type) + "." + std::string(key));
          texts.emplace_back(v.AsString());
        }
      }
    }
    std::vector<ActorField> fields;
    fields.reserve(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) fields.push_back({sections[i], texts[i]});

    for (const ActorMention& m : gazetteer_->Find(fields)) {
      const ActorRecord& a = gazetteer_->actors()[m.actor];
      std::vector<tg_property> props;
      props.push_back(sdk::Prop("display", sdk::Str(a.name)));
      if (!a.kind.empty()) props.push_back(sdk::Prop("kind", sdk::Str(a.kind)));
      if (!a.country.empty()) props.push_back(sdk::Prop("country", sdk::Str(a.country)));
      if (!a.level.empty()) props.push_back(sdk::Prop("level", sdk::Str(a.level)));
      const sdk::NodeHandle actor = doc.UpsertNode("PolicyActor", "name", sdk::Str(NormaliseName(a.name)), props);
      doc.Relate("MENTIONS_ACTOR", subject, actor,
                 {sdk::Prop("evidence", sdk::Str(m.evidence)), sdk::Prop("section", sdk::Str(m.section)),
                  sdk::Prop("matched", sdk::Str(m.matched)), sdk::Prop("count", sdk::Int(m.count))});
    }
    return doc.status();
  }

 private:
  std::unique_ptr<ActorGazetteer> gazetteer_;
};

}  // namespace
}  // namespace trendgraph::formats

TG_DEFINE_PLUGIN(trendgraph::formats::ActorsPlugin, "actors", "1.0.0",
                 "Policy actors (governments, agencies, cities, companies, media) named in documents")
