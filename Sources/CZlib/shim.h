// zlib (Debian: zlib1g-dev), for gzip-compressed IDX files and the PNG files reports write.
#include <zlib.h>
