/* A shared library without the entry point: refused. */
#include <stdint.h>

__attribute__((visibility("default"))) int32_t not_the_trendgraph_entry(void) { return 0; }
