// The shim's own decoder for the common PNG (see PNG.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>

namespace ds {

// Decodes an 8-bit, non-interlaced gray, gray+alpha, RGB or RGBA PNG without transparency chunk into what
// cv::imdecode(IMREAD_UNCHANGED) gives (BGR order). Returns false, touching nothing, for any other file,
// damaged ones included: the caller then hands it to OpenCV.
bool decodeSimplePNG(const uint8_t *bytes, size_t count, cv::Mat &out);

} // namespace ds
