// Most of a scanned page is blank paper: loops over its pixels or labels pass over it eight at a time.
#pragma once
#include <cstdint>
#include <cstring>

namespace ds {

// Whether the eight labels from `l` are all 0 (paper).
inline bool blank8(const int32_t *l) { return !(l[0] | l[1] | l[2] | l[3] | l[4] | l[5] | l[6] | l[7]); }

// Whether the eight pixels from `p` are all 0 (paper).
inline bool blank8(const uint8_t *p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v == 0;
}

} // namespace ds
