// The shim's own decoder for the common PNG (see PNG.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>

namespace ds {

// Decodes an 8-bit, non-interlaced gray, gray+alpha, RGB or RGBA PNG without transparency chunk into what
// cv::imdecode(IMREAD_UNCHANGED) gives (BGR order). Returns false, touching nothing, for any other file,
// damaged ones included: the caller then hands it to OpenCV.
bool decodeSimplePNG(const uint8_t *bytes, size_t count, cv::Mat &out);

// A gray one of those, inflated but not yet unfiltered: `unfilter` writes its pixels wherever the caller
// wants them, with no copy of the picture but the inflater's.
struct GrayPNG {
    uint32_t width = 0, height = 0;
    std::unique_ptr<uint8_t[]> raw;  // each row after its filter byte
    // Unfilters the picture into width x height bytes; false when a row's filter is unknown.
    bool unfilter(uint8_t *pixels) const;
};

// False, touching nothing, for any file but a simple gray PNG.
bool inflateSimpleGrayPNG(const uint8_t *bytes, size_t count, GrayPNG &out);

} // namespace ds
