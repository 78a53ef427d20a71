// zlib (Debian: zlib1g-dev), for gzip-compressed IDX files.
#include <zlib.h>
