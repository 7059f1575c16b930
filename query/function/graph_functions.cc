// Graph functions: id, labels, type, properties, keys, startNode, endNode,
// nodes, relationships, length. Entity lookups go through the query's reader
// (so a query sees its own writes); token names through the graph.
#include <string>

#include "query/function/function_util.h"

namespace trendgraph::query::internal {

namespace {

void RequireStore(std::string_view fn, FunctionContext& ctx) {
  if (ctx.reader == nullptr || ctx.graph == nullptr)
    ThrowArgValue(fn, "needs a graph, but none is available in this context");
}

[[noreturn]] void ThrowStorage(std::string_view fn, const Status& s, const char* what, uint64_t id) {
  if (s.IsNotFound()) {
    throw ExecutorException(MakeError(ErrorCode::kEntityNotFound,
                                      std::string(fn) + "(): " + what + " " + std::to_string(id) +
                                          " does not exist (deleted?)",
                                      {}, "DeletedEntityAccess"));
  }
  throw ExecutorException(MakeError(ErrorCode::kStorageError, std::string(fn) + "(): " + s.ToString()));
}

std::string LabelName(FunctionContext& ctx, storage::LabelId id) {
  return ctx.names ? ctx.names->LabelName(id) : ctx.graph->LabelName(id);
}
std::string TypeName(FunctionContext& ctx, storage::TypeId id) {
  return ctx.names ? ctx.names->TypeName(id) : ctx.graph->TypeName(id);
}

Value::Map PropsToMap(storage::Properties& props, FunctionContext& ctx) {
  Value::Map out;
  for (auto& [key, value] : props)
    out.emplace(ctx.names ? ctx.names->PropKeyName(key) : ctx.graph->PropKeyName(key), std::move(value));
  return out;
}

Value FnId(const Value* a, size_t, FunctionContext&) {
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (v.is_node()) return Value(static_cast<int64_t>(v.as_node().id));
  if (v.is_rel()) return Value(static_cast<int64_t>(v.as_rel().id));
  ThrowArgType("id", 0, "a Node or a Relationship", v);
}

// Neo4j 5 elementId(): the id as a string (ids are stable while the entity lives).
Value FnElementId(const Value* a, size_t n, FunctionContext& ctx) {
  if (a[0].is_null()) return Value();
  if (!a[0].is_node() && !a[0].is_rel()) ThrowArgType("elementId", 0, "a Node or a Relationship", a[0]);
  return Value(std::to_string(FnId(a, n, ctx).as_int()));
}

Value FnLabels(const Value* a, size_t, FunctionContext& ctx) {
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (!v.is_node()) ThrowArgType("labels", 0, "a Node", v);
  RequireStore("labels", ctx);
  std::vector<storage::LabelId> labels;  // labels only: no property is decoded
  Status s = ctx.reader->GetNodeLabels(v.as_node().id, &labels);
  if (!s.ok()) ThrowStorage("labels", s, "node", v.as_node().id);
  Value::List out;
  out.reserve(labels.size());
  for (storage::LabelId l : labels) out.emplace_back(LabelName(ctx, l));
  return Value(std::move(out));
}

Value FnType(const Value* a, size_t, FunctionContext& ctx) {
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (!v.is_rel()) ThrowArgType("type", 0, "a Relationship", v);
  RequireStore("type", ctx);
  return Value(TypeName(ctx, v.as_rel().type));
}

Value FnProperties(const Value* a, size_t, FunctionContext& ctx) {
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (v.is_map()) return v;
  if (v.is_node()) {
    RequireStore("properties", ctx);
    storage::NodeRecord rec;
    Status s = ctx.reader->GetNode(v.as_node().id, &rec);
    if (!s.ok()) ThrowStorage("properties", s, "node", v.as_node().id);
    return Value(PropsToMap(rec.props, ctx));
  }
  if (v.is_rel()) {
    RequireStore("properties", ctx);
    storage::RelRecord rec;
    Status s = ctx.reader->GetRel(v.as_rel().id, &rec);
    if (!s.ok()) ThrowStorage("properties", s, "relationship", v.as_rel().id);
    return Value(PropsToMap(rec.props, ctx));
  }
  ThrowArgType("properties", 0, "a Node, a Relationship or a Map", v);
}

Value FnKeys(const Value* a, size_t n, FunctionContext& ctx) {
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (v.is_map()) {
    Value::List out;
    out.reserve(v.as_map().size());
    for (const auto& [k, e] : v.as_map()) out.emplace_back(k);
    return Value(std::move(out));
  }
  if (!v.is_node() && !v.is_rel()) ThrowArgType("keys", 0, "a Node, a Relationship or a Map", v);
  Value props = FnProperties(a, n, ctx);
  Value::List out;
  for (const auto& [k, e] : props.as_map()) out.emplace_back(k);
  return Value(std::move(out));
}

Value FnStartNode(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  if (!a[0].is_rel()) ThrowArgType("startNode", 0, "a Relationship", a[0]);
  return Value(NodeRef{a[0].as_rel().start});
}

Value FnEndNode(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  if (!a[0].is_rel()) ThrowArgType("endNode", 0, "a Relationship", a[0]);
  return Value(NodeRef{a[0].as_rel().end});
}

Value FnNodes(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  if (!a[0].is_path()) ThrowArgType("nodes", 0, "a Path", a[0]);
  const PathValue& p = a[0].as_path();
  Value::List out;
  out.reserve(p.nodes.size());
  for (const NodeRef& node : p.nodes) out.emplace_back(node);
  return Value(std::move(out));
}

Value FnRelationships(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  if (!a[0].is_path()) ThrowArgType("relationships", 0, "a Path", a[0]);
  const PathValue& p = a[0].as_path();
  Value::List out;
  out.reserve(p.rels.size());
  for (const RelRef& rel : p.rels) out.emplace_back(rel);
  return Value(std::move(out));
}

Value FnLength(const Value* a, size_t, FunctionContext&) {
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (v.is_path()) return Value(static_cast<int64_t>(v.as_path().rels.size()));
  // Legacy forms kept for old queries: length of a string or list.
  if (v.is_string()) return Value(Utf8Length(v.as_string()));
  if (v.is_list()) return Value(static_cast<int64_t>(v.as_list().size()));
  ThrowArgType("length", 0, "a Path", v);
}

constexpr ScalarFunctionDef kDefs[] = {
    {"id", 1, 1, FnId, true},
    {"elementId", 1, 1, FnElementId, true},
    {"labels", 1, 1, FnLabels, true},
    {"type", 1, 1, FnType, true},
    {"properties", 1, 1, FnProperties, true},
    {"keys", 1, 1, FnKeys, true},
    {"startNode", 1, 1, FnStartNode, true},
    {"endNode", 1, 1, FnEndNode, true},
    {"nodes", 1, 1, FnNodes, true},
    {"relationships", 1, 1, FnRelationships, true},
    {"length", 1, 1, FnLength, true},
};

}  // namespace

std::span<const ScalarFunctionDef> GraphFunctions() { return kDefs; }

}  // namespace trendgraph::query::internal
