/* A plugin built for a newer minor ABI than the host has: refused. */
#include "trendgraph/plugin.h"

static int32_t Probe(void* state, tg_string name, tg_string bytes) {
  (void)state;
  (void)name;
  (void)bytes;
  return 100;
}
static int32_t Parse(void* state, const tg_source_call* call) {
  (void)state;
  (void)call;
  return TG_OK;
}

TG_PLUGIN_ENTRY {
  (void)host;
  (void)ctx;
  out->abi_version = (TG_ABI_VERSION_MAJOR << 16) | 99u;
  out->struct_size = sizeof(*out);
  out->name = tg_str("newer_abi", 9);
  out->kinds = TG_KIND_SOURCE;
  out->probe = Probe;
  out->parse = Parse;
  return TG_OK;
}
