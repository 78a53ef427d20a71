#include "Guard.hpp"
#include "Codecs.hpp"
#include "JPEG.hpp"
#include <cstdlib>
#include <cstring>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>

void ds_image_free(ds_image *image) {
    if (!image) return;
    std::free(image->pixels);
    image->pixels = nullptr;
    image->width = image->height = 0;
}

void ds_quiet(void) {
    try { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); } catch (...) {}
}

void ds_set_threads(int32_t threads) {
    try { cv::setNumThreads(threads < 1 ? 1 : threads); } catch (...) {}
}

int32_t ds::give(const cv::Mat &m, ds_image *out, ds_error *err) {
    if (!out) return fail(err, DS_ERR_ARGUMENT, "no output image");
    CV_Assert(m.type() == CV_8UC1);
    size_t n = (size_t)m.rows * (size_t)m.cols;
    auto *p = static_cast<uint8_t *>(std::malloc(n ? n : 1));
    if (!p) return fail(err, DS_ERR_INTERNAL, "out of memory");
    for (int r = 0; r < m.rows; r++) std::memcpy(p + (size_t)r * m.cols, m.ptr(r), m.cols);
    out->width = m.cols;
    out->height = m.rows;
    out->pixels = p;
    return DS_OK;
}

int32_t ds_encode_jpeg(const uint8_t *pixels, int32_t width, int32_t height, int32_t quality, uint8_t **bytes,
                       size_t *count, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        if (!pixels || width <= 0 || height <= 0 || !bytes || !count) return ds::fail(err, DS_ERR_ARGUMENT, "bad image to encode");
        std::vector<uint8_t> out;
        if (!ds::encodeJPEGGray(pixels, width, height, quality, out)) return ds::fail(err, DS_ERR_IO, "cannot encode JPEG");
        *bytes = static_cast<uint8_t *>(std::malloc(out.size()));
        if (!*bytes) return ds::fail(err, DS_ERR_IO, "out of memory");
        std::memcpy(*bytes, out.data(), out.size());
        *count = out.size();
        return DS_OK;
    });
}

int32_t ds_write_image(const char *path, const uint8_t *pixels, int32_t width, int32_t height, int32_t channels,
                     ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        if (!pixels || width <= 0 || height <= 0 || (channels != 1 && channels != 3 && channels != 4))
            return ds::fail(err, DS_ERR_ARGUMENT, "bad image to write");
        cv::Mat m(height, width, CV_MAKETYPE(CV_8U, channels), const_cast<uint8_t *>(pixels));
        if (!ds::codecs::imwrite(path, m)) return ds::fail(err, DS_ERR_IO, std::string(path) + ": cannot write image");
        return DS_OK;
    });
}
