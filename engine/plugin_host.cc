#include "engine/plugin_host.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "engine/ingest_apply.h"
#include "engine/ingest_facts.h"
#include "engine/plugin_abi.h"

namespace trendgraph::engine {
namespace {

namespace fs = std::filesystem;

std::string_view View(tg_string s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }

std::string AbiString(uint32_t v) { return std::to_string(TG_ABI_MAJOR(v)) + "." + std::to_string(TG_ABI_MINOR(v)); }

// The labels whose key the host indexes from the first ingest on.
constexpr const char* kNameKeyedLabels[] = {"Keyword", "Theme",    "Signal",   "Behavior", "Technology",
                                            "Issue",   "Concern",  "Provider", "Topic",    "PolicyActor"};

const char* TypeName(uint32_t t) {
  switch (t) {
    case TG_TYPE_ANY: return "ANY";
    case TG_TYPE_STRING: return "STRING";
    case TG_TYPE_INTEGER: return "INTEGER";
    case TG_TYPE_FLOAT: return "FLOAT";
    case TG_TYPE_NUMBER: return "NUMBER";
    case TG_TYPE_BOOLEAN: return "BOOLEAN";
    case TG_TYPE_MAP: return "MAP";
    case TG_TYPE_LIST: return "LIST";
    case TG_TYPE_DATE: return "DATE";
    case TG_TYPE_NODE: return "NODE";
    case TG_TYPE_RELATIONSHIP: return "RELATIONSHIP";
  }
  return nullptr;
}

bool ValidPluginName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// 64-bit content hash (MurmurHash64A): fast on long inputs, stable across
// platforms of the same endianness; used only to detect unchanged documents.
uint64_t ContentHash(std::string_view data) {
  const uint64_t m = 0xc6a4a7935bd1e995ull;
  const int r = 47;
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (data.size() * m);
  const char* p = data.data();
  size_t n = data.size() / 8;
  for (size_t i = 0; i < n; ++i, p += 8) {
    uint64_t k;
    std::memcpy(&k, p, 8);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  size_t rest = data.size() & 7;
  if (rest) {
    uint64_t k = 0;
    std::memcpy(&k, p, rest);
    h ^= k;
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

std::string Hex64(uint64_t v) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = kDigits[v & 15];
  return out;
}

std::string NowIso() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Checks an argument against its declared type; converts where Cypher would
// (an integer for a FLOAT, an ISO string for a DATE).
std::optional<std::string> CheckArgument(uint32_t type, Value* v) {
  if (v->is_null() || type == TG_TYPE_ANY) return std::nullopt;
  switch (type) {
    case TG_TYPE_STRING: if (v->is_string()) return std::nullopt; break;
    case TG_TYPE_INTEGER: if (v->is_int()) return std::nullopt; break;
    case TG_TYPE_FLOAT:
      if (v->is_int()) *v = Value(static_cast<double>(v->as_int()));
      if (v->is_double()) return std::nullopt;
      break;
    case TG_TYPE_NUMBER: if (v->is_number()) return std::nullopt; break;
    case TG_TYPE_BOOLEAN: if (v->is_bool()) return std::nullopt; break;
    case TG_TYPE_MAP: if (v->is_map()) return std::nullopt; break;
    case TG_TYPE_LIST: if (v->is_list()) return std::nullopt; break;
    case TG_TYPE_DATE: {
      if (v->is_date()) return std::nullopt;
      Date d;
      if (v->is_string() && ParseIsoDate(v->as_string(), &d)) {
        *v = Value(d);
        return std::nullopt;
      }
      break;
    }
    case TG_TYPE_NODE: if (v->is_node()) return std::nullopt; break;
    case TG_TYPE_RELATIONSHIP: if (v->is_rel()) return std::nullopt; break;
  }
  return std::string("expected ") + TypeName(type) + ", got " + Value::TypeName(v->type());
}

struct PluginRecord {
  std::string path;
  std::string name;
  std::string version;
  std::string description;
  uint32_t abi_version = 0;
  uint32_t kinds = 0;
  void* dl = nullptr;
  tg_plugin_descriptor desc{};
  std::vector<query::ProcedureSignature> procedures;

  bool is_source() const { return kinds & TG_KIND_SOURCE; }
  bool is_enricher() const { return kinds & TG_KIND_ENRICHER; }
  std::string KindString() const {
    std::string k;
    auto add = [&](const char* s) { k += k.empty() ? s : std::string(",") + s; };
    if (kinds & TG_KIND_SOURCE) add("source");
    if (kinds & TG_KIND_ENRICHER) add("enricher");
    if (kinds & TG_KIND_MODEL) add("model");
    return k;
  }
  void Unload() {
    if (desc.destroy) {
      try {
        desc.destroy(desc.state);
      } catch (...) {
      }
      desc.destroy = nullptr;
    }
    if (dl) dlclose(dl);
    dl = nullptr;
  }
};

tg_context MakeContext(const PluginRecord& p) {
  tg_context ctx;
  ctx.plugin_name = p.name;
  ctx.plugin_path = p.path;
  return ctx;
}

// A parsed, enriched document waiting for its transaction.
struct PreparedDoc {
  size_t index = 0;
  std::unique_ptr<DocumentFacts> facts;
  Provenance provenance;
  IndexNeeds needs;  // the indexes its facts need
};

// Prepares documents [0, count) ahead of the calling thread on worker
// threads and hands them back strictly in input order (Take(0), Take(1),
// ...), so that parsing overlaps with the caller's writes.
//
// Memory is bounded: a document is claimed for preparation only while fewer
// than `window_docs` documents are prepared-or-in-progress but not yet taken
// and their content is under `window_bytes` (one is always allowed). The
// caller prepares documents itself while the one it waits for is not ready,
// so no core idles when parsing is the bottleneck.
//
// Applied documents come back through Recycle, so that their facts are
// freed by a worker (the thread that allocated most of them) rather than by
// the caller.
//
// `prepare(index, out)` must be callable from several threads at once for
// different indices and must not throw (a worker would terminate).
// Thread-safety: one caller thread (Take, Recycle); the destructor stops and
// joins the workers, also when the caller unwinds early.
class PrepareAhead {
 public:
  using PrepareFn = std::function<bool(size_t index, PreparedDoc* out)>;

  PrepareAhead(const std::vector<IngestDocument>& documents, size_t workers, size_t window_docs,
               size_t window_bytes, PrepareFn prepare)
      : documents_(documents),
        window_docs_(std::max<size_t>(window_docs, 1)),
        window_bytes_(window_bytes),
        prepare_(std::move(prepare)),
        slots_(window_docs_) {
    threads_.reserve(workers);
    for (size_t i = 0; i < workers; ++i) {
      try {
        threads_.emplace_back([this] { Work(); });
      } catch (const std::system_error&) {
        break;  // fewer workers (the caller prepares too); never fewer than none
      }
    }
  }

  ~PrepareAhead() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  PrepareAhead(const PrepareAhead&) = delete;
  PrepareAhead& operator=(const PrepareAhead&) = delete;

  // Hands taken documents back; a worker frees their facts. Leaves `docs`
  // holding documents without facts.
  void Recycle(std::vector<PreparedDoc>* docs) {
    {
      std::lock_guard lock(mu_);
      for (PreparedDoc& d : *docs)
        if (d.facts) garbage_.push_back(std::move(d.facts));
    }
    work_cv_.notify_one();
  }

  // The next document in input order (`index` == the number taken so far):
  // false when its preparation failed (its report says why).
  bool Take(size_t index, PreparedDoc* out) {
    Slot& slot = slots_[index % window_docs_];
    std::unique_lock lock(mu_);
    while (!slot.ready) {
      size_t j;
      if (ClaimLocked(&j)) {
        lock.unlock();
        RunOne(j);
        lock.lock();
      } else {
        ready_cv_.wait(lock);
      }
    }
    *out = std::move(slot.doc);
    const bool ok = slot.ok;
    slot = Slot{};
    taken_ = index + 1;
    inflight_bytes_ -= documents_[index].content.size();
    lock.unlock();
    work_cv_.notify_one();  // one more document fits the window
    return ok;
  }

 private:
  struct Slot {
    PreparedDoc doc;
    bool ok = false;
    bool ready = false;
  };

  // Claims the next unclaimed document if it fits the window.
  bool ClaimLocked(size_t* index) {
    if (next_ >= documents_.size() || next_ >= taken_ + window_docs_) return false;
    const size_t bytes = documents_[next_].content.size();
    if (next_ > taken_ && inflight_bytes_ + bytes > window_bytes_) return false;
    inflight_bytes_ += bytes;
    *index = next_++;
    return true;
  }

  // Slot j % window is the claimer's alone until it is marked ready: its
  // previous occupant (j - window) was taken before j could be claimed.
  void RunOne(size_t j) {
    Slot& slot = slots_[j % window_docs_];
    slot.doc.index = j;
    slot.ok = prepare_(j, &slot.doc);
    {
      std::lock_guard lock(mu_);
      slot.ready = true;
    }
    ready_cv_.notify_one();
  }

  // Until stopped: frees recycled facts first, then prepares what fits the
  // window. Workers outlive the last claim so that they free the last
  // groups too.
  void Work() {
    std::vector<std::unique_ptr<DocumentFacts>> dead;
    std::unique_lock lock(mu_);
    for (;;) {
      size_t j;
      if (stop_) return;
      if (!garbage_.empty()) {
        dead.swap(garbage_);
        lock.unlock();
        dead.clear();
        lock.lock();
      } else if (ClaimLocked(&j)) {
        lock.unlock();
        RunOne(j);
        lock.lock();
      } else {
        work_cv_.wait(lock);
      }
    }
  }

  const std::vector<IngestDocument>& documents_;
  const size_t window_docs_;
  const size_t window_bytes_;
  const PrepareFn prepare_;

  std::mutex mu_;
  std::condition_variable work_cv_;   // workers: the window moved, or stop
  std::condition_variable ready_cv_;  // caller: a document became ready
  std::vector<Slot> slots_;           // document i in slots_[i % window_docs_]
  size_t next_ = 0;                   // next document to claim
  size_t taken_ = 0;                  // documents handed to the caller
  size_t inflight_bytes_ = 0;         // content of claimed, not yet taken documents
  std::vector<std::unique_ptr<DocumentFacts>> garbage_;  // recycled, to be freed by a worker
  bool stop_ = false;
  std::vector<std::thread> threads_;  // last: started after everything above exists
};

// Records a host error while preparing a document; never throws (it runs on
// worker threads, where nothing may escape).
void PrepareFailed(const std::string& name, const char* what, IngestDocReport* r) noexcept {
  r->ok = false;
  try {
    r->name = name;
    r->error = name + ": internal error: " + what;
  } catch (...) {
  }
}

size_t DefaultIngestThreads() {
  const unsigned hw = std::thread::hardware_concurrency();
  return std::clamp<size_t>(hw, 1, 4);
}

}  // namespace

struct PluginHost::Impl {
  query::ProcedureRegistry* procedures = nullptr;
  mutable std::mutex mu;
  std::vector<std::unique_ptr<PluginRecord>> plugins;
  std::map<std::string, std::unique_ptr<PendingTargets>, std::less<>> pending;

  PendingTargets* PendingFor(storage::Graph& graph) {
    std::lock_guard lock(mu);
    auto& p = pending[graph.name()];
    if (!p) p = std::make_unique<PendingTargets>();
    return p.get();
  }

  Status Validate(PluginRecord& rec);
  Status RegisterProcedures(PluginRecord& rec);
  query::ProcedureFn MakeProcedure(PluginRecord* rec, const tg_procedure_def* def, query::ProcedureSignature sig);
  // Parses and enriches one document into `out` (its facts, provenance).
  // False when the document failed (r->error says why).
  bool Prepare(PluginRecord* fixed_source, const std::vector<PluginRecord*>& sources,
               const std::vector<PluginRecord*>& enrichers, const IngestDocument& doc, const std::string& now,
               IngestDocReport* r, struct PreparedDoc* out);

  size_t group_docs = 64;
  size_t group_bytes = 8u << 20;
  size_t ingest_threads = DefaultIngestThreads();
  std::function<bool(std::string_view)> apply_fault;  // test seam
};

PluginHost::PluginHost(query::ProcedureRegistry* procedures) : impl_(std::make_unique<Impl>()) {
  impl_->procedures = procedures;
}

PluginHost::~PluginHost() {
  for (auto it = impl_->plugins.rbegin(); it != impl_->plugins.rend(); ++it) (*it)->Unload();
}

std::string PluginHost::DefaultPluginDir() {
  std::error_code ec;
  if (fs::is_directory(TRENDGRAPH_DEFAULT_PLUGIN_DIR, ec)) return TRENDGRAPH_DEFAULT_PLUGIN_DIR;
  return TRENDGRAPH_INSTALLED_PLUGIN_DIR;
}

Status PluginHost::Impl::Validate(PluginRecord& rec) {
  const tg_plugin_descriptor& d = rec.desc;
  const std::string& path = rec.path;
  if (TG_ABI_MAJOR(d.abi_version) != TG_ABI_VERSION_MAJOR || TG_ABI_MINOR(d.abi_version) > TG_ABI_VERSION_MINOR)
    return Status::VersionMismatch("plugin " + path + " needs plugin ABI " + AbiString(d.abi_version) +
                                   ", this host has " + AbiString(TG_ABI_VERSION));
  if (d.struct_size < sizeof(tg_plugin_descriptor) && d.struct_size < offsetof(tg_plugin_descriptor, procedure_count) + sizeof(uint64_t))
    return Status::InvalidArgument("plugin " + path + ": descriptor too small (" + std::to_string(d.struct_size) + " bytes)");
  rec.name = std::string(View(d.name));
  rec.version = std::string(View(d.version));
  rec.description = std::string(View(d.description));
  rec.abi_version = d.abi_version;
  rec.kinds = d.kinds;
  if (!ValidPluginName(rec.name))
    return Status::InvalidArgument("plugin " + path + ": invalid name '" + rec.name + "' (want [a-z0-9_]+, at most 64)");
  const uint32_t known = TG_KIND_SOURCE | TG_KIND_ENRICHER | TG_KIND_MODEL;
  if (!d.kinds || (d.kinds & ~known))
    return Status::InvalidArgument("plugin " + path + ": invalid kinds " + std::to_string(d.kinds));
  if ((d.kinds & TG_KIND_SOURCE) && (!d.probe || !d.parse))
    return Status::InvalidArgument("plugin " + path + ": a source plugin needs probe and parse");
  if ((d.kinds & TG_KIND_ENRICHER) && !d.enrich)
    return Status::InvalidArgument("plugin " + path + ": an enricher plugin needs enrich");
  if ((d.kinds & TG_KIND_MODEL) && (!d.procedures || !d.procedure_count))
    return Status::InvalidArgument("plugin " + path + ": a model plugin needs procedures");
  for (const auto& other : plugins)
    if (other->name == rec.name)
      return Status::AlreadyExists("plugin " + path + ": a plugin named '" + rec.name + "' is already loaded from " +
                                   other->path);
  return Status::OK();
}

Status PluginHost::Impl::RegisterProcedures(PluginRecord& rec) {
  const tg_plugin_descriptor& d = rec.desc;
  if (!(d.kinds & TG_KIND_MODEL)) return Status::OK();
  std::vector<query::ProcedureSignature> sigs;
  for (uint64_t i = 0; i < d.procedure_count; ++i) {
    const tg_procedure_def& p = d.procedures[i];
    std::string where = "plugin " + rec.path + ": procedure #" + std::to_string(i);
    if (p.struct_size < sizeof(tg_procedure_def)) return Status::InvalidArgument(where + ": definition too small");
    query::ProcedureSignature sig;
    sig.name = std::string(View(p.name));
    if (sig.name.empty() || sig.name.find('.') == std::string::npos || !IsValidUtf8(sig.name))
      return Status::InvalidArgument(where + ": name '" + sig.name + "' must be qualified, e.g. ns.name");
    where = "plugin " + rec.path + ": procedure " + sig.name;
    if (!p.invoke) return Status::InvalidArgument(where + ": no invoke function");
    if ((p.param_count && !p.params) || (p.output_count && !p.outputs))
      return Status::InvalidArgument(where + ": null parameter or output array");
    sig.description = std::string(View(p.description));
    sig.writes = p.flags & TG_PROC_WRITES;
    bool seen_optional = false;
    for (uint64_t j = 0; j < p.param_count; ++j) {
      const tg_param& prm = p.params[j];
      query::ProcedureParam qp;
      qp.name = std::string(View(prm.name));
      const char* tn = TypeName(prm.type);
      if (qp.name.empty() || !tn) return Status::InvalidArgument(where + ": parameter #" + std::to_string(j) + " has no name or an unknown type");
      qp.type = tn;
      if (prm.has_default) {
        Value v;
        Status s = ValueFromC(prm.default_value, &v);
        if (!s.ok()) return Status::InvalidArgument(where + ": default of '" + qp.name + "': " + s.message());
        qp.default_value = std::move(v);
        seen_optional = true;
      } else if (seen_optional) {
        return Status::InvalidArgument(where + ": required parameter '" + qp.name + "' follows an optional one");
      }
      sig.params.push_back(std::move(qp));
    }
    for (uint64_t j = 0; j < p.output_count; ++j) {
      query::ProcedureParam qp;
      qp.name = std::string(View(p.outputs[j].name));
      const char* tn = TypeName(p.outputs[j].type);
      if (qp.name.empty() || !tn) return Status::InvalidArgument(where + ": output #" + std::to_string(j) + " has no name or an unknown type");
      qp.type = tn;
      sig.outputs.push_back(std::move(qp));
    }
    if (procedures && procedures->Find(sig.name))
      return Status::AlreadyExists(where + ": a procedure of that name is already registered");
    sigs.push_back(std::move(sig));
  }
  if (procedures) {
    for (uint64_t i = 0; i < sigs.size(); ++i) {
      TG_RETURN_IF_ERROR(procedures->Register(sigs[i], MakeProcedure(&rec, &d.procedures[i], sigs[i])));
    }
  }
  rec.procedures = std::move(sigs);
  return Status::OK();
}

query::ProcedureFn PluginHost::Impl::MakeProcedure(PluginRecord* rec, const tg_procedure_def* def,
                                                   query::ProcedureSignature sig) {
  return [this, rec, def, sig = std::move(sig)](const std::vector<Value>& args, query::ProcedureContext& pctx,
                                                const query::ProcedureEmit& emit) -> std::optional<query::ProcedureFailure> {
    using query::ErrorCode;
    auto fail = [&](ErrorCode code, std::string msg) { return query::ProcedureFailure{code, sig.name + ": " + msg}; };
    try {
      if (args.size() > sig.params.size())
        return fail(ErrorCode::kArgumentError, "takes " + std::to_string(sig.params.size()) + " arguments, got " +
                                                   std::to_string(args.size()));
      std::vector<Value> values(sig.params.size());
      for (size_t i = 0; i < sig.params.size(); ++i) {
        const auto& p = sig.params[i];
        if (i < args.size()) values[i] = args[i];
        else if (p.default_value) values[i] = *p.default_value;
        else return fail(ErrorCode::kArgumentError, "missing argument '" + p.name + "'");
        if (auto err = CheckArgument(def->params[i].type, &values[i]))
          return fail(ErrorCode::kArgumentError, "argument '" + p.name + "': " + *err);
      }
      ValueArena arena;
      std::vector<tg_value> cargs;
      cargs.reserve(values.size());
      for (const auto& v : values) cargs.push_back(arena.Lower(v));

      tg_context ctx = MakeContext(*rec);
      tg_graph graph;
      graph.graph = pctx.graph;
      graph.reader = pctx.reader;
      graph.txn = pctx.txn;  // tokens created earlier in this query resolve too
      graph.arena = &arena;
      graph.ctx = &ctx;
      std::unique_ptr<ProcedureFacts> writes;
      if (sig.writes) {
        if (!pctx.txn) return fail(ErrorCode::kProcedureError, "writes to the graph but the query runs read-only");
        PendingTargets* pending = pctx.graph ? PendingFor(*pctx.graph) : nullptr;
        if (pending) {
          if (Status s = pending->LoadStoredOnce(*pctx.txn); !s.ok())
            return fail(ErrorCode::kProcedureError, "reading the pending links: " + s.ToString());
        }
        writes = std::make_unique<ProcedureFacts>(*pctx.txn, pending);
        writes->ctx = &ctx;
      }
      tg_rows rows;
      rows.emit = &emit;
      rows.column_count = sig.outputs.size();
      rows.reader = pctx.reader;
      rows.ctx = &ctx;
      tg_procedure_call call{};
      call.struct_size = sizeof(call);
      call.ctx = &ctx;
      call.args = cargs.data();
      call.arg_count = cargs.size();
      call.graph = &graph;
      call.writes = writes.get();
      call.rows = &rows;

      int32_t rc;
      try {
        rc = def->invoke(def->user, &call);
      } catch (...) {
        return fail(ErrorCode::kProcedureError, "plugin '" + rec->name + "' let an exception escape");
      }
      if (rc == TG_OK && writes && !writes->error.ok()) rc = writes->error_code;
      if (rc == TG_OK || rc == TG_STOP) return std::nullopt;
      std::string msg = writes && !writes->error.ok() ? writes->error.message()
                        : ctx.message.empty()        ? "failed with code " + std::to_string(rc)
                                                     : ctx.message;
      return fail(rc == TG_ERR_ARGUMENT ? ErrorCode::kArgumentError : ErrorCode::kProcedureError, msg);
    } catch (const std::exception& e) {
      return fail(ErrorCode::kProcedureError, std::string("host error: ") + e.what());
    }
  };
}

// Under AddressSanitizer a plugin stays mapped after dlclose: libraries it
// brought in keep process-wide registries for the life of the process (e.g.
// cmark-gfm's extension registry, ~1 KB, which cmark frees only through a
// process-wide release that one plugin must not make for the others), and
// once unmapped they would be reported as leaks with frames in an unknown
// module; mapped, they are still reachable and stacks stay symbolized. The
// plugin's own state is still destroyed at Unload.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kDlopenKeep = RTLD_NODELETE;
#else
constexpr int kDlopenKeep = 0;
#endif

Status PluginHost::Load(const std::string& path) {
  auto rec = std::make_unique<PluginRecord>();
  rec->path = path;
  dlerror();
  void* dl = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | kDlopenKeep);
  if (!dl) {
    const char* e = dlerror();
    return Status::InvalidArgument("cannot load plugin " + path + ": " + (e ? e : "dlopen failed"));
  }
  rec->dl = dl;
  auto init = reinterpret_cast<tg_plugin_init_fn>(dlsym(dl, TG_PLUGIN_ENTRY_SYMBOL));
  if (!init) {
    dlclose(dl);
    return Status::InvalidArgument("plugin " + path + " has no entry point " TG_PLUGIN_ENTRY_SYMBOL
                                   " (not a trendgraph plugin, or built without TG_PLUGIN_ENTRY)");
  }
  tg_plugin_descriptor& d = rec->desc;
  d = tg_plugin_descriptor{};
  d.abi_version = TG_ABI_VERSION;
  d.struct_size = sizeof(tg_plugin_descriptor);
  tg_context ctx;
  ctx.plugin_path = rec->path;
  ctx.plugin_name = rec->path;
  int32_t rc;
  try {
    rc = init(HostApiTable(), &ctx, &d);
  } catch (...) {
    rc = TG_ERR_INTERNAL;
    ctx.message = "an exception escaped the entry point";
  }
  if (rc != TG_OK) {
    dlclose(dl);
    std::string why = ctx.message.empty() ? "code " + std::to_string(rc) : ctx.message;
    if (rc == TG_ERR_VERSION) return Status::VersionMismatch("plugin " + path + " refused this host: " + why);
    return Status::Aborted("plugin " + path + ": init failed: " + why);
  }
  std::lock_guard lock(impl_->mu);
  Status s = impl_->Validate(*rec);
  if (s.ok()) s = impl_->RegisterProcedures(*rec);
  if (!s.ok()) {
    rec->Unload();
    return s;
  }
  impl_->plugins.push_back(std::move(rec));
  return Status::OK();
}

std::vector<std::string> PluginHost::LoadDirectory(const std::string& dir) {
  std::vector<std::string> errors;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors.push_back("plugin folder " + dir + " does not exist");
    return errors;
  }
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".so") files.push_back(entry.path().string());
  }
  if (ec) errors.push_back("cannot list plugin folder " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    Status s = Load(f);
    if (!s.ok()) errors.push_back(s.ToString());
  }
  return errors;
}

void PluginHost::SetIngestGroup(size_t max_docs, size_t max_bytes) {
  impl_->group_docs = max_docs ? max_docs : 1;
  impl_->group_bytes = max_bytes ? max_bytes : 1;
}

void PluginHost::SetIngestThreads(size_t threads) { impl_->ingest_threads = threads ? threads : 1; }

size_t PluginHost::ingest_threads() const { return impl_->ingest_threads; }

void PluginHost::SetApplyFaultForTesting(std::function<bool(std::string_view document_name)> fault) {
  impl_->apply_fault = std::move(fault);
}

std::vector<PluginInfo> PluginHost::List() const {
  std::lock_guard lock(impl_->mu);
  std::vector<PluginInfo> out;
  for (const auto& p : impl_->plugins) {
    PluginInfo info;
    info.name = p->name;
    info.kind = p->KindString();
    info.version = p->version;
    info.abi_version = p->abi_version;
    info.path = p->path;
    info.description = p->description;
    info.procedures = p->procedures;
    out.push_back(std::move(info));
  }
  return out;
}

namespace {

bool IndexMissing(storage::Graph& graph, const std::string& label, const std::string& key, bool unique) {
  auto l = graph.FindLabel(label);
  auto k = graph.FindPropKey(key);
  if (!l || !k) return true;
  auto index = graph.FindIndex(*l, *k);
  return !index || (unique && index->kind != storage::IndexInfo::Kind::kUnique);
}

// Creates the index unless one covering (label, key) exists.
Status EnsureIndex(storage::Graph& graph, const std::string& label, const std::string& key, bool unique) {
  auto l = graph.FindLabel(label);
  auto k = graph.FindPropKey(key);
  if (l && k) {
    if (auto index = graph.FindIndex(*l, *k)) {
      if (!unique || index->kind == storage::IndexInfo::Kind::kUnique) return Status::OK();
    }
  }
  return unique ? graph.CreateUniqueIndex(label, key) : graph.CreatePropertyIndex(label, key);
}

Status EnsureBaseSchema(storage::Graph& graph) {
  TG_RETURN_IF_ERROR(EnsureIndex(graph, "Article", "id", true));
  for (const char* label : kNameKeyedLabels) TG_RETURN_IF_ERROR(EnsureIndex(graph, label, "name", true));
  TG_RETURN_IF_ERROR(EnsureIndex(graph, "Article", "published", false));
  return Status::OK();
}

}  // namespace

bool PluginHost::Impl::Prepare(PluginRecord* fixed_source, const std::vector<PluginRecord*>& sources,
                               const std::vector<PluginRecord*>& enrichers, const IngestDocument& doc,
                               const std::string& now, IngestDocReport* r, PreparedDoc* out) {
  r->name = doc.name;
  auto fail = [&](std::string msg) {
    r->ok = false;
    r->error = doc.name + ": " + msg;
    return false;
  };
  const tg_string name{doc.name.data(), doc.name.size()};
  const tg_string bytes{doc.content.data(), doc.content.size()};

  // Which source.
  PluginRecord* source = fixed_source;
  if (!source) {
    int best = 0;
    for (PluginRecord* p : sources) {
      int c = 0;
      try {
        c = p->desc.probe(p->desc.state, name, bytes);
      } catch (...) {
        c = 0;
      }
      if (c > best) {
        best = c;
        source = p;
      }
    }
    if (!source) {
      std::string tried;
      for (PluginRecord* p : sources) tried += (tried.empty() ? "" : ", ") + p->name;
      return fail("no source plugin recognises this document (tried: " + (tried.empty() ? "none loaded" : tried) + ")");
    }
  }

  // Parse into the buffer.
  out->facts = std::make_unique<DocumentFacts>(doc.name, doc.content);
  DocumentFacts& facts = *out->facts;
  tg_context ctx = MakeContext(*source);
  facts.ctx = &ctx;
  tg_source_call call{};
  call.struct_size = sizeof(call);
  call.ctx = &ctx;
  call.facts = &facts;
  call.name = name;
  call.bytes = bytes;
  int32_t rc;
  try {
    rc = source->desc.parse(source->desc.state, &call);
  } catch (...) {
    rc = TG_ERR_INTERNAL;
    if (ctx.message.empty()) ctx.message = "an exception escaped the plugin";
  }
  if (rc != TG_OK || !facts.error.ok()) {
    // The host's own record of a bad fact is the precise one.
    std::string msg = !facts.error.ok() ? facts.error.message()
                      : !ctx.message.empty() ? ctx.message
                                             : "failed with code " + std::to_string(rc);
    return fail("plugin '" + source->name + "': " + msg);
  }
  if (facts.nodes().empty()) return fail("plugin '" + source->name + "' found nothing to ingest in this document");

  // Enrichers see the parsed facts and add theirs.
  for (PluginRecord* e : enrichers) {
    tg_context ectx = MakeContext(*e);
    facts.ctx = &ectx;
    tg_enrich_call ecall{};
    ecall.struct_size = sizeof(ecall);
    ecall.ctx = &ectx;
    ecall.facts = &facts;
    try {
      rc = e->desc.enrich(e->desc.state, &ecall);
    } catch (...) {
      rc = TG_ERR_INTERNAL;
      if (ectx.message.empty()) ectx.message = "an exception escaped the plugin";
    }
    if (rc != TG_OK || !facts.error.ok()) {
      std::string msg = !facts.error.ok() ? facts.error.message()
                        : !ectx.message.empty() ? ectx.message
                                                : "failed with code " + std::to_string(rc);
      return fail("enricher '" + e->name + "': " + msg);
    }
  }
  facts.ctx = nullptr;

  out->provenance.source = doc.name;
  out->provenance.content_hash = Hex64(ContentHash(doc.content));
  out->provenance.plugin = source->name;
  out->provenance.ingested_at = now;
  out->needs = DocumentIndexNeeds(facts);
  return true;
}

Result<IngestReport> PluginHost::Ingest(storage::Graph& graph, std::string_view plugin,
                                        const std::vector<IngestDocument>& documents, const IngestProgress& progress,
                                        storage::BulkLoad* bulk) {
  auto start = std::chrono::steady_clock::now();
  PluginRecord* fixed = nullptr;
  std::vector<PluginRecord*> sources, enrichers;
  {
    std::lock_guard lock(impl_->mu);
    for (const auto& p : impl_->plugins) {
      if (p->is_source()) sources.push_back(p.get());
      if (p->is_enricher()) enrichers.push_back(p.get());
    }
    if (plugin != "auto") {
      for (PluginRecord* p : sources)
        if (p->name == plugin) fixed = p;
      if (!fixed) {
        std::string names;
        for (PluginRecord* p : sources) names += (names.empty() ? "" : ", ") + p->name;
        return Status::NotFound("no source plugin named '" + std::string(plugin) + "' (source plugins: " +
                                (names.empty() ? "none loaded" : names) + ")");
      }
    } else if (sources.empty()) {
      return Status::NotFound("no source plugin is loaded");
    }
  }
  TG_RETURN_IF_ERROR(EnsureBaseSchema(graph));
  PendingTargets* pending = impl_->PendingFor(graph);
  if (Status s = pending->LoadOnce(graph); !s.ok())
    return Status::Aborted("reading the pending links of graph '" + graph.name() + "': " + s.ToString());

  IngestReport report;
  report.documents.resize(documents.size());
  const std::string now = NowIso();
  size_t done = 0;
  auto finish = [&](size_t i) {
    IngestDocReport& r = report.documents[i];
    if (r.ok) {
      ++report.ok;
      report.nodes_created += r.nodes_created;
      report.relationships_created += r.relationships_created;
    } else {
      ++report.failed;
    }
    if (progress) progress(++done, documents.size(), r);
  };
  auto succeed = [&](const PreparedDoc& p, const ApplyResult& res) {
    IngestDocReport& r = report.documents[p.index];
    r.ok = true;
    r.article_id = res.article_id;
    r.unchanged = res.unchanged;
    r.nodes_created = res.counts.nodes_created;
    r.relationships_created = res.counts.rels_created;
    r.relationships_deleted = res.counts.rels_deleted;
  };
  auto fail = [&](size_t i, const Status& s) {
    IngestDocReport& r = report.documents[i];
    r.ok = false;
    r.error = documents[i].name + ": " + (s.message().empty() ? s.ToString() : s.message());
  };

  // Group commit: documents are parsed until the group is full, then applied
  // to one transaction and committed together, so the graph's writer lock is
  // held only while writing. Each document is still all or nothing: when one
  // fails while being applied, the transaction (holding the group's earlier
  // documents and part of this one) is dropped, the earlier documents are
  // re-applied each in a transaction of its own, and the rest of the group
  // goes on in a new transaction.
  std::unique_ptr<storage::WriteTxn> txn;
  auto apply = [&](const PreparedDoc& p, ApplyResult* res) -> Status {
    if (!txn && bulk) {
      auto r = bulk->BeginWrite();
      if (!r.ok()) return r.status();
      txn = std::move(r.value());
    }
    if (!txn) txn = graph.BeginWrite();
    if (impl_->apply_fault && impl_->apply_fault(documents[p.index].name))
      return Status::Aborted("injected failure while writing");
    try {
      return ApplyDocument(*txn, *p.facts, p.provenance, pending, res);
    } catch (const std::exception& e) {
      return Status::Aborted(std::string("internal error: ") + e.what());
    }
  };
  auto commit = [&](std::vector<PreparedDoc*>& docs, std::vector<ApplyResult>& results) {
    Status s = txn ? txn->Commit() : Status::OK();
    txn.reset();
    for (size_t k = 0; k < docs.size(); ++k) {
      if (s.ok()) succeed(*docs[k], results[k]);
      else fail(docs[k]->index, Status::IOError("commit failed: " + s.ToString()));
      finish(docs[k]->index);
    }
    docs.clear();
    results.clear();
  };
  std::optional<PrepareAhead> ahead;  // set below, when documents are prepared on threads
  auto run_group = [&](std::vector<PreparedDoc>& group) {
    // Schema changes commit on their own: before the group's transaction.
    std::vector<PreparedDoc*> ready;
    for (PreparedDoc& p : group) {
      const IndexNeeds& needs = p.needs;
      Status s;
      for (const auto& [l, k] : needs.unique)
        if (s.ok() && IndexMissing(graph, l, k, true) && !(s = EnsureIndex(graph, l, k, true)).ok())
          s = Status::Aborted("cannot create the unique index on " + l + "(" + k + "): " + s.ToString());
      for (const auto& [l, k] : needs.property)
        if (s.ok() && IndexMissing(graph, l, k, false) && !(s = EnsureIndex(graph, l, k, false)).ok())
          s = Status::Aborted("cannot create the index on " + l + "(" + k + "): " + s.ToString());
      if (s.ok()) {
        ready.push_back(&p);
      } else {
        fail(p.index, s);
        finish(p.index);
      }
    }
    std::vector<PreparedDoc*> applied;
    std::vector<ApplyResult> results;
    for (PreparedDoc* p : ready) {
      ApplyResult res;
      Status s = apply(*p, &res);
      if (s.ok()) {
        applied.push_back(p);
        results.push_back(std::move(res));
        continue;
      }
      txn.reset();  // drops this document's partial writes and the earlier ones'
      fail(p->index, s);
      finish(p->index);
      for (PreparedDoc* q : applied) {  // re-apply the earlier ones alone
        std::vector<PreparedDoc*> one{q};
        std::vector<ApplyResult> one_result(1);
        Status sq = apply(*q, &one_result[0]);
        if (sq.ok()) {
          commit(one, one_result);
        } else {
          txn.reset();
          fail(q->index, sq);
          finish(q->index);
        }
      }
      applied.clear();
      results.clear();
    }
    commit(applied, results);
    // Parsed facts were allocated by the thread that parsed them: workers
    // free them there, off this thread.
    if (ahead) ahead->Recycle(&group);
    group.clear();
  };

  // Preparing (probe, parse, enrich) touches only the document, its report
  // entry and the immutable plugin records, so it may run on worker threads;
  // everything above (applying, committing, progress) stays on this thread,
  // in input order.
  auto prepare = [&](size_t i, PreparedDoc* p) noexcept -> bool {
    IngestDocReport& r = report.documents[i];
    p->index = i;
    try {
      if (impl_->Prepare(fixed, sources, enrichers, documents[i], now, &r, p)) return true;
    } catch (const std::exception& e) {
      PrepareFailed(documents[i].name, e.what(), &r);
    } catch (...) {
      PrepareFailed(documents[i].name, "unknown exception", &r);
    }
    p->facts.reset();
    return false;
  };
  const size_t threads = std::min(impl_->ingest_threads, documents.size());
  if (threads > 1) {
    ahead.emplace(documents, threads - 1, std::max(2 * impl_->group_docs, 4 * threads),
                  std::max<size_t>(2 * impl_->group_bytes, 1), prepare);
  }

  std::vector<PreparedDoc> group;
  size_t group_bytes = 0;
  for (size_t i = 0; i < documents.size(); ++i) {
    PreparedDoc p;
    const bool prepared = ahead ? ahead->Take(i, &p) : prepare(i, &p);
    if (!prepared) {
      finish(i);
      continue;
    }
    group_bytes += documents[i].content.size();
    group.push_back(std::move(p));
    if (group.size() >= impl_->group_docs || group_bytes >= impl_->group_bytes) {
      run_group(group);
      group_bytes = 0;
    }
  }
  run_group(group);
  ahead.reset();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace trendgraph::engine
