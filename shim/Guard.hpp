// Turns every C++ exception into an error code and a message: nothing may unwind into Swift.
#pragma once
#include "digitshim.h"
#include <cstdio>
#include <exception>
#include <new>
#include <opencv2/core.hpp>
#include <string>

namespace ds {

inline int32_t fail(ds_error *err, int32_t code, const std::string &message) {
    if (err) {
        err->code = code;
        std::snprintf(err->message, sizeof err->message, "%s", message.c_str());
    }
    return code;
}

template <typename F> int32_t guarded(ds_error *err, F &&body) noexcept {
    try {
        if (err) { err->code = DS_OK; err->message[0] = 0; }
        return body();
    } catch (const cv::Exception &e) {
        return fail(err, e.code == cv::Error::StsNoMem ? DS_ERR_INTERNAL : DS_ERR_INTERNAL,
                    std::string("OpenCV: ") + (e.err.empty() ? e.what() : e.err));
    } catch (const std::bad_alloc &) {
        return fail(err, DS_ERR_INTERNAL, "out of memory");
    } catch (const std::exception &e) {
        return fail(err, DS_ERR_INTERNAL, e.what());
    } catch (...) {
        return fail(err, DS_ERR_INTERNAL, "unknown C++ exception");
    }
}

// A borrowed view of a ds_image as a cv::Mat (no copy).
inline cv::Mat view(const ds_image *img) {
    if (!img || !img->pixels || img->width <= 0 || img->height <= 0) throw std::invalid_argument("empty image");
    return cv::Mat(img->height, img->width, CV_8UC1, img->pixels);
}

// Moves a Mat into a newly allocated ds_image.
int32_t give(const cv::Mat &m, ds_image *out, ds_error *err);

} // namespace ds
