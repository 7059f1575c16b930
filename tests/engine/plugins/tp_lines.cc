// Test source plugin "tp_lines" for the host tests, written with the C++ SDK.
// Document format (one fact per line, after the "TGL1" magic line):
//   article <id>|<title>|<file_hash>   the subject Article
//   kw <name>                          (Article)-[:HAS_KEYWORD]->(Keyword {name})
//   link <file_hash>|<rank>            (Article)-[:CLOSEST {rank}]->(Article {file_hash}) by key
//   fail <message>                     return an error (after the facts above)
//   throw <message>                    throw a C++ exception (after the facts above)
//   badutf8                            emit a keyword that is not UTF-8
//   badhandle                          relate to a handle that does not exist
// Procedures: tp.echo, tp.keywords, tp.add (writes), tp.page (writes), tp.fail,
// tp.rows.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "trendgraph/plugin.hpp"

namespace sdk = trendgraph::sdk;

namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

class LinesPlugin final : public sdk::SourcePlugin {
 public:
  sdk::Status Init() override {
    AddProcedure({"tp.echo", "returns its argument", {{"value", TG_TYPE_ANY, sdk::OwnedValue("default")}},
                  {{"value", TG_TYPE_ANY}}},
                 [](sdk::ProcedureCall& call) {
                   call.Emit({*call.arg(0).raw()});
                   return sdk::Status::Ok();
                 });
    AddProcedure({"tp.keywords", "the keywords of an article, through the read API",
                  {{"article", TG_TYPE_STRING, std::nullopt}},
                  {{"name", TG_TYPE_STRING}, {"node", TG_TYPE_NODE}}},
                 [](sdk::ProcedureCall& call) {
                   auto article = call.FindNode("Article", "id", *call.arg(0).raw());
                   if (!article) return sdk::Status::ArgumentError("article: no Article with id '" +
                                                                   std::string(call.arg(0).AsString()) + "'");
                   std::vector<uint64_t> kws;
                   sdk::Status s = call.ForEachRel(*article, "HAS_KEYWORD", TG_DIR_OUT, [&](const sdk::Rel& r) {
                     kws.push_back(r.other);
                     return true;
                   });
                   if (!s.ok()) return s;
                   for (uint64_t k : kws) {
                     if (!call.HasLabel(k, "Keyword")) return sdk::Status::ProcedureError("target is not a Keyword");
                     if (!call.Emit({*call.NodeProperty(k, "name").raw(), sdk::NodeId(k)})) break;
                   }
                   return sdk::Status::Ok();
                 });
    AddProcedure({"tp.add", "adds a keyword to an article (writes)",
                  {{"article", TG_TYPE_STRING, std::nullopt}, {"keyword", TG_TYPE_STRING, std::nullopt}},
                  {{"node", TG_TYPE_NODE}},
                  /*writes=*/true},
                 [](sdk::ProcedureCall& call) {
                   if (!call.writable()) return sdk::Status::ProcedureError("not writable");
                   sdk::Facts& w = call.writes();
                   auto a = w.UpsertNode("Article", "id", *call.arg(0).raw());
                   auto k = w.UpsertNode("Keyword", "name", *call.arg(1).raw(), {sdk::Prop("by", sdk::Str("tp.add"))});
                   w.Relate("HAS_KEYWORD", a, k);
                   if (!w.status().ok()) return w.status();
                   auto id = w.NodeIdOf(k);
                   if (!id) return sdk::Status::ProcedureError("no node id");
                   call.Emit({sdk::NodeId(*id)});
                   return sdk::Status::Ok();
                 });
    AddProcedure({"tp.page", "upserts an article with a file hash (writes)",
                  {{"article", TG_TYPE_STRING, std::nullopt}, {"file_hash", TG_TYPE_STRING, std::nullopt}},
                  {{"node", TG_TYPE_NODE}},
                  /*writes=*/true},
                 [](sdk::ProcedureCall& call) {
                   sdk::Facts& w = call.writes();
                   auto a = w.UpsertNode("Article", "id", *call.arg(0).raw(), {sdk::Prop("file_hash", *call.arg(1).raw())});
                   if (!w.status().ok()) return w.status();
                   auto id = w.NodeIdOf(a);
                   if (!id) return sdk::Status::ProcedureError("no node id");
                   call.Emit({sdk::NodeId(*id)});
                   return sdk::Status::Ok();
                 });
    AddProcedure({"tp.fail", "fails: ArgumentError for a negative n, else throws",
                  {{"n", TG_TYPE_INTEGER, std::nullopt}}, {{"x", TG_TYPE_INTEGER}}},
                 [](sdk::ProcedureCall& call) -> sdk::Status {
                   if (call.arg(0).AsInt() < 0) return sdk::Status::ArgumentError("n: must be >= 0");
                   throw std::runtime_error("boom in tp.fail");
                 });
    AddProcedure({"tp.rows", "emits n rows 0..n-1", {{"n", TG_TYPE_INTEGER, sdk::OwnedValue(int64_t{3})}},
                  {{"i", TG_TYPE_INTEGER}}},
                 [](sdk::ProcedureCall& call) {
                   for (int64_t i = 0; i < call.arg(0).AsInt(); ++i)
                     if (!call.Emit({sdk::Int(i)})) break;
                   return sdk::Status::Ok();
                 });
    return sdk::Status::Ok();
  }

  int Probe(std::string_view, std::string_view bytes) override { return bytes.rfind("TGL1\n", 0) == 0 ? 90 : 0; }

  sdk::Status Parse(sdk::Document& doc, std::string_view name, std::string_view bytes) override {
    if (bytes.rfind("TGL1\n", 0) != 0) return sdk::Status::InvalidInput("missing TGL1 magic line");
    sdk::NodeHandle article = 0;
    size_t line_no = 1;
    for (std::string_view line : Split(bytes.substr(5), '\n')) {
      ++line_no;
      if (line.empty()) continue;
      size_t sp = line.find(' ');
      std::string_view cmd = line.substr(0, sp);
      std::string_view arg = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
      if (cmd == "article") {
        auto f = Split(arg, '|');
        if (f.size() != 3) return sdk::Status::InvalidInput("line " + std::to_string(line_no) + ": want id|title|hash");
        article = doc.UpsertNode("Article", "id", sdk::Str(f[0]),
                                 {sdk::Prop("title", sdk::Str(f[1])), sdk::Prop("file_hash", sdk::Str(f[2]))});
      } else if (cmd == "kw") {
        auto k = doc.UpsertNode("Keyword", "name", sdk::Str(arg), {sdk::Prop("display", sdk::Str(arg))});
        doc.Relate("HAS_KEYWORD", article, k);
      } else if (cmd == "link") {
        auto f = Split(arg, '|');
        if (f.size() != 2) return sdk::Status::InvalidInput("line " + std::to_string(line_no) + ": want hash|rank");
        doc.RelateByKey("CLOSEST", article, "Article", "file_hash", sdk::Str(f[0]),
                        {sdk::Prop("rank", sdk::Int(std::stoll(std::string(f[1]))))});
      } else if (cmd == "fail") {
        return sdk::Status::InvalidInput("line " + std::to_string(line_no) + ": " + std::string(arg));
      } else if (cmd == "throw") {
        throw std::runtime_error(std::string(arg));
      } else if (cmd == "badutf8") {
        static const char kBad[] = {'o', 'k', static_cast<char>(0xff), static_cast<char>(0xfe), 0};
        doc.UpsertNode("Keyword", "name", sdk::Str(kBad));
      } else if (cmd == "badhandle") {
        doc.Relate("HAS_KEYWORD", article, 999);
      } else {
        return sdk::Status::InvalidInput("line " + std::to_string(line_no) + ": unknown command '" +
                                         std::string(cmd) + "' in " + std::string(name));
      }
    }
    return sdk::Status::Ok();
  }
};

}  // namespace

TG_DEFINE_PLUGIN(LinesPlugin, "tp_lines", "1.0.0", "test source plugin: line-based facts")
