#pragma once
#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>

namespace ds {
enum class GIFResult { ok, notGIF, corrupt, tooLarge };

/// The first image of a GIF as 8-bit gray on its logical screen (white where nothing is drawn).
GIFResult decodeGIF(const uint8_t *bytes, size_t count, int64_t maxPixels, cv::Mat &out);
}
