// GIF decoding (OpenCV 4.6 has none): the first image of the file, LZW-decoded, interlacing undone, its palette
// mapped to gray, drawn on the logical screen; transparent pixels and the rest of the screen are white paper.
#include "GIF.hpp"
#include <cstring>
#include <vector>

namespace ds {

namespace {
uint32_t le16(const uint8_t *p) { return p[0] | p[1] << 8; }

/// Reads the data sub-blocks starting at `i` (each a length byte and that many bytes, ended by a zero length);
/// appends them to `out` when given; returns the index after them, or 0 when the file ends first.
size_t subBlocks(const uint8_t *b, size_t n, size_t i, std::vector<uint8_t> *out) {
    while (i < n) {
        size_t len = b[i++];
        if (len == 0) return i;
        if (i + len > n) return 0;
        if (out) out->insert(out->end(), b + i, b + i + len);
        i += len;
    }
    return 0;
}

/// LZW-decodes `data` into at most `count` palette indices.
bool lzw(const std::vector<uint8_t> &data, int minSize, size_t count, std::vector<uint8_t> &out) {
    if (minSize < 2 || minSize > 11) return false;
    const int clear = 1 << minSize, end = clear + 1;
    std::vector<uint16_t> prefix(4096);
    std::vector<uint8_t> suffix(4096), stack(4097);
    for (int k = 0; k < clear; k++) suffix[k] = (uint8_t)k;
    int size = minSize + 1, next = clear + 2, previous = -1;
    uint8_t first = 0;
    uint32_t bits = 0;
    int held = 0;
    out.clear();
    out.reserve(count);
    for (size_t i = 0; i < data.size() && out.size() < count;) {
        while (held < size && i < data.size()) { bits |= (uint32_t)data[i++] << held; held += 8; }
        if (held < size) break;
        int code = bits & ((1 << size) - 1);
        bits >>= size;
        held -= size;
        if (code == clear) { size = minSize + 1; next = clear + 2; previous = -1; continue; }
        if (code == end) break;
        int top = 0, c = code;
        if (previous < 0) {
            if (code >= clear) return false;
            out.push_back((uint8_t)code);
            first = (uint8_t)code;
            previous = code;
            continue;
        }
        if (code > next || (code == next && next >= 4096)) return false;
        if (code == next) { stack[top++] = first; c = previous; }
        while (c >= clear) { stack[top++] = suffix[c]; c = prefix[c]; if (top >= 4096) return false; }
        stack[top++] = (uint8_t)c;
        first = (uint8_t)c;
        while (top > 0 && out.size() < count) out.push_back(stack[--top]);
        if (next < 4096) {
            prefix[next] = (uint16_t)previous;
            suffix[next] = first;
            next++;
            if (next == (1 << size) && size < 12) size++;
        }
        previous = code;
    }
    return true;
}
} // namespace

GIFResult decodeGIF(const uint8_t *b, size_t n, int64_t maxPixels, cv::Mat &out) {
    if (n < 13 || std::memcmp(b, "GIF8", 4) != 0) return GIFResult::notGIF;
    const int64_t sw = le16(b + 6), sh = le16(b + 8);
    if (sw == 0 || sh == 0) return GIFResult::corrupt;
    if (sw * sh > maxPixels) return GIFResult::tooLarge;
    size_t i = 13;
    std::vector<uint8_t> global;
    if (b[10] & 0x80) {
        size_t len = 3u << ((b[10] & 7) + 1);
        if (i + len > n) return GIFResult::corrupt;
        global.assign(b + i, b + i + len);
        i += len;
    }
    int transparent = -1;
    while (i < n) {
        uint8_t kind = b[i++];
        if (kind == 0x3b) break;  // trailer: no image
        if (kind == 0x21) {  // extension: a graphic control block may name the transparent index
            if (i + 1 > n) return GIFResult::corrupt;
            uint8_t label = b[i++];
            if (label == 0xf9 && i + 5 <= n && b[i] >= 4 && (b[i + 1] & 1)) transparent = b[i + 4];
            if (!(i = subBlocks(b, n, i, nullptr))) return GIFResult::corrupt;
            continue;
        }
        if (kind != 0x2c || i + 9 > n) return GIFResult::corrupt;
        const int64_t left = le16(b + i), top = le16(b + i + 2), w = le16(b + i + 4), h = le16(b + i + 6);
        const uint8_t packed = b[i + 8];
        i += 9;
        std::vector<uint8_t> palette = global;
        if (packed & 0x80) {
            size_t len = 3u << ((packed & 7) + 1);
            if (i + len > n) return GIFResult::corrupt;
            palette.assign(b + i, b + i + len);
            i += len;
        }
        if (i >= n || w == 0 || h == 0 || w * h > maxPixels) return w * h > maxPixels ? GIFResult::tooLarge : GIFResult::corrupt;
        int minSize = b[i++];
        std::vector<uint8_t> data, indices;
        if (!(i = subBlocks(b, n, i, &data)) || !lzw(data, minSize, (size_t)(w * h), indices)) return GIFResult::corrupt;
        if ((int64_t)indices.size() < w * h) return GIFResult::corrupt;  // the data ends before the picture does
        uint8_t gray[256];
        for (int k = 0; k < 256; k++) {
            size_t p = 3 * (size_t)k;
            gray[k] = p + 2 < palette.size() ? (uint8_t)((299 * palette[p] + 587 * palette[p + 1] + 114 * palette[p + 2] + 500) / 1000) : 255;
        }
        if (transparent >= 0) gray[transparent] = 255;
        out = cv::Mat((int)sh, (int)sw, CV_8UC1, cv::Scalar(255));
        // Interlaced rows come in four passes: every 8th from 0, every 8th from 4, every 4th from 2, every 2nd from 1.
        std::vector<int64_t> rows;
        if (packed & 0x40) {
            const int64_t starts[4] = {0, 4, 2, 1}, steps[4] = {8, 8, 4, 2};
            for (int pass = 0; pass < 4; pass++) for (int64_t y = starts[pass]; y < h; y += steps[pass]) rows.push_back(y);
        } else {
            for (int64_t y = 0; y < h; y++) rows.push_back(y);
        }
        for (size_t r = 0; r < rows.size(); r++) {
            int64_t y = top + rows[r];
            if (y < 0 || y >= sh) continue;
            uint8_t *row = out.ptr<uint8_t>((int)y);
            for (int64_t x = 0; x < w; x++) {
                if (left + x < sw) row[left + x] = gray[indices[(size_t)(r * w + x)]];
            }
        }
        return GIFResult::ok;
    }
    return GIFResult::corrupt;
}

} // namespace ds
