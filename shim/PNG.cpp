// Fast path for the PNGs scanners and drawing programs write: 8-bit, not interlaced, gray / gray+alpha /
// RGB / RGBA without a transparency chunk. Inflating is most of the cost of a noisy scan: ISA-L's inflater
// does it in about half zlib's time (and 0.8 of libdeflate's, on a noisy 600x600 scan). Anything else
// (16-bit, palette, interlaced, damaged) is left to OpenCV, so results and error messages stay OpenCV's.
#include "PNG.hpp"
#include <cstdlib>
#include <cstring>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace {

uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

#if defined(__x86_64__)
// The Sub filter's running sum on a gray row, 64 bytes at a time (AVX-512BW): within each 16-byte lane the
// prefix sums in four shifted adds; the lanes before each lane's total added across; the rows' sum so far
// carried in a register. Returns how many bytes it did (whole blocks); the caller does the rest.
__attribute__((target("avx512bw"))) size_t subRowWide(const uint8_t *src, uint8_t *dst, size_t n) {
    const __m512i last = _mm512_set1_epi8(15), zero = _mm512_setzero_si512();
    __m512i carry = zero;
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512i x = _mm512_loadu_si512(src + i);
        x = _mm512_add_epi8(x, _mm512_bslli_epi128(x, 1));
        x = _mm512_add_epi8(x, _mm512_bslli_epi128(x, 2));
        x = _mm512_add_epi8(x, _mm512_bslli_epi128(x, 4));
        x = _mm512_add_epi8(x, _mm512_bslli_epi128(x, 8));
        __m512i lanes = _mm512_shuffle_epi8(x, last);             // each lane's total, in all its bytes
        __m512i before = _mm512_alignr_epi64(lanes, zero, 6);     // the lane before's (none for lane 0)
        before = _mm512_add_epi8(before, _mm512_alignr_epi64(before, zero, 6));
        before = _mm512_add_epi8(before, _mm512_alignr_epi64(before, zero, 4));
        x = _mm512_add_epi8(x, before);
        _mm512_storeu_si512(dst + i, _mm512_add_epi8(x, carry));
        __m512i totals = _mm512_shuffle_epi8(x, last);
        carry = _mm512_add_epi8(carry, _mm512_shuffle_i64x2(totals, totals, 0xFF));  // lane 3's: the block's
    }
    return i;
}

// Whether this CPU has AVX-512BW for `subRowWide` (asked once).
bool hasWideSub() {
    static const bool has = __builtin_cpu_supports("avx512bw");
    return has;
}
#endif

int paeth(int a, int b, int c) {
    int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
}

// Undoes one row's filter: `src` the row as stored (after its filter byte), `dst` where the pixels go.
// `prior` is the previous row, already unfiltered (nullptr on the first).
bool unfilter(uint8_t type, const uint8_t *src, uint8_t *dst, const uint8_t *prior, size_t n, size_t bpp) {
    switch (type) {
    case 0: std::memcpy(dst, src, n); return true;
    case 1:
        if (bpp == 1) {
            // A running sum of bytes, 64 at a time where the CPU has AVX-512BW (`subRowWide`), then sixteen at a
            // time: the prefix sums within a block in four shifted adds, plus the block before's last sum (with
            // SSE2; elsewhere, and for the rest, a byte at a time).
            size_t i = 0;
#if defined(__x86_64__)
            if (hasWideSub()) i = subRowWide(src, dst, n);
#endif
#if defined(__SSE2__)
            __m128i carry = _mm_set1_epi8(char(i ? dst[i - 1] : 0));
            for (; i + 16 <= n; i += 16) {
                __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i));
                x = _mm_add_epi8(x, _mm_slli_si128(x, 1));
                x = _mm_add_epi8(x, _mm_slli_si128(x, 2));
                x = _mm_add_epi8(x, _mm_slli_si128(x, 4));
                x = _mm_add_epi8(x, _mm_slli_si128(x, 8));
                x = _mm_add_epi8(x, carry);
                _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i), x);
                carry = _mm_set1_epi8(char(dst[i + 15]));
            }
#endif
            uint8_t left = i ? dst[i - 1] : 0;
            for (; i < n; i++) dst[i] = left = uint8_t(src[i] + left);
        } else {
            for (size_t i = 0; i < n; i++) dst[i] = uint8_t(src[i] + (i >= bpp ? dst[i - bpp] : 0));
        }
        return true;
    case 2:
        if (prior) for (size_t i = 0; i < n; i++) dst[i] = uint8_t(src[i] + prior[i]);
        else std::memcpy(dst, src, n);
        return true;
    case 3:
        for (size_t i = 0; i < n; i++) {
            int left = i >= bpp ? dst[i - bpp] : 0, up = prior ? prior[i] : 0;
            dst[i] = uint8_t(src[i] + ((left + up) >> 1));
        }
        return true;
    case 4:
        for (size_t i = 0; i < n; i++) {
            int left = i >= bpp ? dst[i - bpp] : 0, up = prior ? prior[i] : 0;
            int upLeft = (i >= bpp && prior) ? prior[i - bpp] : 0;
            dst[i] = uint8_t(src[i] + paeth(left, up, upLeft));
        }
        return true;
    default: return false;
    }
}

/// Inflates a whole zlib stream into `out`, which it must fill exactly; the Adler-32 is checked.
bool inflateZlib(const uint8_t *in, size_t inSize, uint8_t *out, size_t outSize) {
    if (inSize > UINT32_MAX || outSize > UINT32_MAX) return false;
    static thread_local inflate_state state;  // 85 KB of tables: kept off the stack
    isal_inflate_init(&state);
    state.crc_flag = ISAL_ZLIB;
    state.next_in = const_cast<uint8_t *>(in);
    state.avail_in = uint32_t(inSize);
    state.next_out = out;
    state.avail_out = uint32_t(outSize);
    return isal_inflate_stateless(&state) == ISAL_DECOMP_OK && state.total_out == outSize;
}

/// The CRC-32 PNG chunks carry (zlib's and gzip's).
uint32_t crc32(const uint8_t *p, size_t n) { return crc32_gzip_refl(0, p, n); }

/// A simple PNG inflated: its rows as stored, each after its filter byte.
struct Inflated {
    uint32_t width = 0, height = 0;
    int channels = 0;
    size_t stride = 0;
    std::unique_ptr<uint8_t[]> raw;
};

/// Checks and inflates a simple PNG (see PNG.hpp); false for any other file. `grayOnly`: false for a colour
/// one too, before inflating it.
bool inflateSimplePNG(const uint8_t *b, size_t n, bool grayOnly, Inflated &png) {
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    if (n < 33 || std::memcmp(b, signature, 8) != 0 || std::memcmp(b + 12, "IHDR", 4) != 0 || be32(b + 8) != 13)
        return false;
    const uint8_t *ihdr = b + 16;
    uint32_t width = be32(ihdr), height = be32(ihdr + 4);
    uint8_t depth = ihdr[8], colour = ihdr[9], interlace = ihdr[12];
    int channels = colour == 0 ? 1 : colour == 4 ? 2 : colour == 2 ? 3 : colour == 6 ? 4 : 0;
    if (channels == 0 || depth != 8 || interlace != 0 || ihdr[10] != 0 || ihdr[11] != 0) return false;
    if (grayOnly && channels != 1) return false;
    if (width == 0 || height == 0 || width > (1u << 24) || height > (1u << 24)) return false;
    if (crc32(b + 12, 17) != be32(b + 29)) return false;
    // Gather the IDAT chunks (they must be consecutive), checking every chunk's CRC. A single chunk is used
    // where it lies; several are joined.
    std::vector<uint8_t> joined;
    const uint8_t *firstData = nullptr;
    size_t firstLength = 0, chunks = 0;
    bool seenData = false, dataEnded = false, ended = false;
    size_t i = 33;
    while (i + 12 <= n) {
        uint32_t length = be32(b + i);
        if (length > n - i - 12) return false;
        const uint8_t *type = b + i + 4, *data = b + i + 8;
        if (crc32(type, length + 4) != be32(data + length)) return false;
        if (std::memcmp(type, "IDAT", 4) == 0) {
            if (dataEnded) return false;
            if (chunks == 0) { firstData = data; firstLength = length; }
            else {
                if (chunks == 1) {
                    joined.reserve(n);  // the file's size bounds its data: one allocation
                    joined.assign(firstData, firstData + firstLength);
                }
                joined.insert(joined.end(), data, data + length);
            }
            chunks++;
            seenData = true;
        } else {
            if (seenData) dataEnded = true;
            if (std::memcmp(type, "IEND", 4) == 0) { ended = true; break; }
            if (std::memcmp(type, "tRNS", 4) == 0 || std::memcmp(type, "PLTE", 4) == 0) return false;
            if (!(type[0] & 0x20)) return false;  // an unknown critical chunk: let libpng judge it
        }
        i += 12 + length;
    }
    if (!seenData || !ended) return false;

    const uint8_t *compressed = chunks == 1 ? firstData : joined.data();
    size_t compressedSize = chunks == 1 ? firstLength : joined.size();
    size_t stride = size_t(width) * channels, rowBytes = stride + 1;
    std::unique_ptr<uint8_t[]> raw(new uint8_t[rowBytes * height]);  // every byte is written by the inflater
    if (!inflateZlib(compressed, compressedSize, raw.get(), rowBytes * height)) return false;
    png.width = width; png.height = height; png.channels = channels; png.stride = stride;
    png.raw = std::move(raw);
    return true;
}

/// Unfilters `height` rows of `stride` bytes, each stored after its filter byte in `raw`, into `pixels`,
/// rows `step` apart.
bool unfilterRows(const uint8_t *raw, uint32_t height, size_t stride, int channels, uint8_t *pixels, size_t step) {
    for (uint32_t y = 0; y < height; y++) {
        const uint8_t *src = raw + y * (stride + 1);
        if (!unfilter(src[0], src + 1, pixels + y * step, y ? pixels + (y - 1) * step : nullptr, stride, (size_t)channels))
            return false;
    }
    return true;
}

} // namespace

namespace ds {

bool decodeSimplePNG(const uint8_t *b, size_t n, cv::Mat &out) {
    Inflated png;
    if (!inflateSimplePNG(b, n, false, png)) return false;
    cv::Mat m((int)png.height, (int)png.width, CV_8UC(png.channels));
    if (!unfilterRows(png.raw.get(), png.height, png.stride, png.channels, m.data, m.step)) return false;

    // OpenCV gives colour as BGR(A).
    if (png.channels == 3) cv::cvtColor(m, m, cv::COLOR_RGB2BGR);
    else if (png.channels == 4) cv::cvtColor(m, m, cv::COLOR_RGBA2BGRA);
    out = m;
    return true;
}

bool inflateSimpleGrayPNG(const uint8_t *b, size_t n, GrayPNG &out) {
    Inflated png;
    if (!inflateSimplePNG(b, n, true, png)) return false;
    out.width = png.width;
    out.height = png.height;
    out.raw = std::move(png.raw);
    return true;
}

bool GrayPNG::unfilter(uint8_t *pixels) const { return unfilterRows(raw.get(), height, width, 1, pixels, width); }

} // namespace ds
