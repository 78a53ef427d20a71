// Fast path for JPEG: libjpeg-turbo asked for gray reads only the luma channel (no colour conversion, no
// chroma upsampling), and scales in the DCT domain when a page is far larger than its digits need. Loading
// OpenCV's image codecs for a JPEG costs more than decoding a phone photo, so this path also keeps them
// unloaded; so does writing the gray JPEG a report embeds. Anything unusual (CMYK, warnings about damaged data) is left to OpenCV, so results and error
// messages stay OpenCV's.
#include "JPEG.hpp"
#include <csetjmp>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <jpeglib.h>

namespace {

struct Failure {
    jpeg_error_mgr base;
    jmp_buf jump;
};

void failed(j_common_ptr info) { longjmp(reinterpret_cast<Failure *>(info->err)->jump, 1); }
void quiet(j_common_ptr, int) {}

// libjpeg's error manager for `failure`: errors jump to its `jump`, warnings are counted but not printed.
jpeg_error_mgr *errorsTo(Failure &failure) {
    jpeg_error_mgr *e = jpeg_std_error(&failure.base);
    e->error_exit = failed;
    e->emit_message = quiet;
    return e;
}

uint16_t get16(const uint8_t *p, bool big) { return big ? uint16_t(p[0] << 8 | p[1]) : uint16_t(p[1] << 8 | p[0]); }
uint32_t get32(const uint8_t *p, bool big) {
    return big ? uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]
               : uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0];
}

// The Orientation tag (0x0112) of IFD0 in an APP1 Exif segment; 1 (upright) when there is none.
int orientation(const jpeg_saved_marker_ptr markers) {
    for (auto m = markers; m; m = m->next) {
        const uint8_t *d = m->data;
        size_t n = m->data_length;
        if (m->marker != JPEG_APP0 + 1 || n < 14 || std::memcmp(d, "Exif\0\0", 6) != 0) continue;
        const uint8_t *t = d + 6;
        size_t size = n - 6;
        bool big = t[0] == 'M' && t[1] == 'M';
        if (!big && !(t[0] == 'I' && t[1] == 'I')) return 1;
        uint32_t ifd = get32(t + 4, big);
        if (ifd > size - 2) return 1;
        uint16_t entries = get16(t + ifd, big);
        for (uint32_t k = 0; k < entries; k++) {
            size_t e = ifd + 2 + 12 * size_t(k);
            if (e + 12 > size) return 1;
            if (get16(t + e, big) == 0x0112 && get16(t + e + 2, big) == 3) {
                int value = get16(t + e + 8, big);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }
    return 1;
}

// Turns an image as cv::imdecode does for each EXIF orientation.
cv::Mat upright(const cv::Mat &m, int orientation) {
    cv::Mat out;
    switch (orientation) {
    case 2: cv::flip(m, out, 1); return out;
    case 3: cv::flip(m, out, -1); return out;
    case 4: cv::flip(m, out, 0); return out;
    case 5: cv::transpose(m, out); return out;
    case 6: cv::transpose(m, out); cv::flip(out, out, 1); return out;
    case 7: cv::transpose(m, out); cv::flip(out, out, -1); return out;
    case 8: cv::transpose(m, out); cv::flip(out, out, 0); return out;
    default: return m;
    }
}

// Decodes into `gray` (allocated here); false on any error or warning. No object with a destructor lives
// across setjmp: libjpeg's errors jump back here.
bool decode(const uint8_t *bytes, size_t count, int reduce, cv::Mat &gray, int &turn) {
    jpeg_decompress_struct info;
    Failure failure;
    info.err = errorsTo(failure);
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&info);
        return false;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, bytes, (unsigned long)count);
    jpeg_save_markers(&info, JPEG_APP0 + 1, 0xffff);
    jpeg_read_header(&info, TRUE);
    bool plain = info.jpeg_color_space == JCS_GRAYSCALE || info.jpeg_color_space == JCS_YCbCr;
    if (!plain || info.num_components > 3) {
        jpeg_destroy_decompress(&info);
        return false;
    }
    turn = orientation(info.marker_list);
    info.out_color_space = JCS_GRAYSCALE;
    info.scale_num = 1;
    info.scale_denom = (unsigned)reduce;
    jpeg_start_decompress(&info);
    gray.create((int)info.output_height, (int)info.output_width, CV_8UC1);
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = gray.ptr<uint8_t>((int)info.output_scanline);
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    bool clean = failure.base.num_warnings == 0;
    jpeg_destroy_decompress(&info);
    return clean;
}

// Compresses into `buffer` (malloc'd by libjpeg, freed by the caller); false on any error.
bool encode(const uint8_t *pixels, int width, int height, int quality, unsigned char *&buffer, unsigned long &size) {
    jpeg_compress_struct info;
    Failure failure;
    info.err = errorsTo(failure);
    if (setjmp(failure.jump)) {
        jpeg_destroy_compress(&info);
        return false;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &buffer, &size);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = 1;
    info.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = const_cast<uint8_t *>(pixels) + size_t(info.next_scanline) * size_t(width);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    return true;
}

} // namespace

namespace ds {

bool encodeJPEGGray(const uint8_t *pixels, int width, int height, int quality, std::vector<uint8_t> &out) {
    unsigned char *buffer = nullptr;
    unsigned long size = 0;
    bool ok = encode(pixels, width, height, std::max(1, std::min(100, quality)), buffer, size);
    if (ok && buffer) out.assign(buffer, buffer + size);
    std::free(buffer);
    return ok && !out.empty();
}

bool decodeJPEGGray(const uint8_t *bytes, size_t count, int reduce, cv::Mat &out) {
    if (count < 4 || bytes[0] != 0xff || bytes[1] != 0xd8) return false;
    cv::Mat gray;
    int turn = 1;
    if (!decode(bytes, count, reduce, gray, turn)) return false;
    out = upright(gray, turn);
    return true;
}

} // namespace ds
