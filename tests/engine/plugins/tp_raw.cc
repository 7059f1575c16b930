// Test source plugin "tp_raw" on the bare C ABI (no SDK trampolines), for the
// threaded-ingest tests. Document format: the magic line "TGR1", then one
// line, the Article id; an id starting with "throw" makes parse throw a C++
// exception straight into the host (what a careless plugin does; the host
// must catch it). Parse counts its calls and the threads it ran on, read
// and reset by the test through the exported tp_raw_* functions (guarded:
// callbacks may run concurrently).
#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "trendgraph/plugin.h"

namespace {

const tg_host_api* g_host = nullptr;
std::atomic<uint64_t> g_parses{0};
std::mutex g_mu;
std::set<std::thread::id> g_threads;  // guarded by g_mu

constexpr std::string_view kMagic = "TGR1\n";

std::string_view View(tg_string s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }

int32_t Probe(void*, tg_string, tg_string bytes) { return View(bytes).substr(0, kMagic.size()) == kMagic ? 95 : 0; }

int32_t Parse(void*, const tg_source_call* call) {
  g_parses.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(g_mu);
    g_threads.insert(std::this_thread::get_id());
  }
  std::string_view text = View(call->bytes);
  if (text.substr(0, kMagic.size()) != kMagic) {
    static const char kMsg[] = "missing TGR1 magic line";
    g_host->set_error(call->ctx, TG_ERR_INVALID_INPUT, kMsg, sizeof kMsg - 1);
    return TG_ERR_INVALID_INPUT;
  }
  std::string_view id = text.substr(kMagic.size());
  if (size_t nl = id.find('\n'); nl != std::string_view::npos) id = id.substr(0, nl);
  if (id.substr(0, 5) == "throw") throw std::runtime_error("tp_raw: " + std::string(id));
  tg_value key{};
  key.type = TG_VALUE_STRING;
  key.string_value = tg_str(id.data(), id.size());
  tg_node_handle h = 0;
  return g_host->upsert_node(call->facts, tg_str("Article", 7), tg_str("id", 2), &key, nullptr, 0, &h);
}

}  // namespace

extern "C" TG_PLUGIN_EXPORT void tp_raw_reset() {
  std::lock_guard lock(g_mu);
  g_parses = 0;
  g_threads.clear();
}

extern "C" TG_PLUGIN_EXPORT uint64_t tp_raw_parse_count() { return g_parses.load(); }

extern "C" TG_PLUGIN_EXPORT uint64_t tp_raw_thread_count() {
  std::lock_guard lock(g_mu);
  return g_threads.size();
}

TG_PLUGIN_ENTRY {
  (void)ctx;
  g_host = host;
  out->abi_version = TG_ABI_VERSION;
  out->struct_size = sizeof(*out);
  out->name = tg_str("tp_raw", 6);
  out->kinds = TG_KIND_SOURCE;
  out->probe = Probe;
  out->parse = Parse;
  return TG_OK;
}
