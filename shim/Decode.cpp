// Stage 1: any image file OpenCV reads → 8-bit gray, with size limits checked before full decoding.
#include "Guard.hpp"
#include "GIF.hpp"
#include "PNG.hpp"
#include "JPEG.hpp"
#include "Codecs.hpp"
#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>
#include <cstring>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace {

// While alive, file descriptor 2 points at /dev/null. One at a time (a process has one fd 2); the tool's own
// messages go to the descriptor ds_console_fd returns, which this does not touch.
std::mutex stderrMutex;

struct SilentStderr {
    std::lock_guard<std::mutex> lock{stderrMutex};
    int saved = -1;
    SilentStderr() {
        std::fflush(stderr);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            saved = dup(2);
            dup2(null, 2);
            close(null);
        }
    }
    ~SilentStderr() {
        if (saved >= 0) {
            std::fflush(stderr);
            dup2(saved, 2);
            close(saved);
        }
    }
};

uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
uint32_t le16(const uint8_t *p) { return (uint32_t)p[1] << 8 | p[0]; }
uint32_t le32(const uint8_t *p) { return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]; }

bool peek(const uint8_t *b, size_t n, int64_t &w, int64_t &h) {
    static const uint8_t png[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    if (n >= 24 && std::memcmp(b, png, 8) == 0) { w = be32(b + 16); h = be32(b + 20); return true; }
    if (n >= 4 && b[0] == 0xff && b[1] == 0xd8) {  // JPEG: walk the markers to a start-of-frame
        size_t i = 2;
        while (i + 9 < n) {
            if (b[i] != 0xff) return false;
            uint8_t m = b[i + 1];
            if (m == 0xff) { i++; continue; }
            if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
                h = be16(b + i + 5); w = be16(b + i + 7); return true;
            }
            if (m == 0xd8 || (m >= 0xd0 && m <= 0xd7) || m == 0x01) { i += 2; continue; }
            i += 2 + be16(b + i + 2);
        }
        return false;
    }
    if (n >= 8 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0) || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42))) {
        // TIFF: the first directory's ImageWidth (256) and ImageLength (257), SHORT or LONG.
        bool little = b[0] == 'I';
        auto u16 = [&](size_t i) -> uint32_t { return little ? (b[i] | b[i + 1] << 8) : (b[i] << 8 | b[i + 1]); };
        auto u32 = [&](size_t i) -> uint32_t { return little ? (u16(i) | u16(i + 2) << 16) : (u16(i) << 16 | u16(i + 2)); };
        size_t ifd = u32(4);
        if (ifd + 2 > n) return false;
        uint32_t count = u16(ifd);
        int64_t tw = -1, th = -1;
        for (uint32_t k = 0; k < count && ifd + 2 + 12 * (k + 1) <= n; k++) {
            size_t e = ifd + 2 + 12 * k;
            uint32_t tag = u16(e), type = u16(e + 2);
            int64_t v = type == 3 ? u16(e + 8) : type == 4 ? u32(e + 8) : -1;
            if (tag == 256) tw = v;
            if (tag == 257) th = v;
        }
        if (tw < 0 || th < 0) return false;
        w = tw; h = th;
        return true;
    }
    if (n >= 26 && b[0] == 'B' && b[1] == 'M') {
        w = (int32_t)le32(b + 18); h = (int32_t)le32(b + 22);
        if (h < 0) h = -h;
        return true;
    }
    if (n >= 30 && std::memcmp(b, "RIFF", 4) == 0 && std::memcmp(b + 8, "WEBP", 4) == 0) {
        if (std::memcmp(b + 12, "VP8X", 4) == 0) {
            w = 1 + (b[24] | b[25] << 8 | b[26] << 16); h = 1 + (b[27] | b[28] << 8 | b[29] << 16); return true;
        }
        if (std::memcmp(b + 12, "VP8 ", 4) == 0) { w = le16(b + 26) & 0x3fff; h = le16(b + 28) & 0x3fff; return true; }
        if (std::memcmp(b + 12, "VP8L", 4) == 0 && n >= 25) {
            uint32_t bits = le32(b + 21);
            w = 1 + (bits & 0x3fff); h = 1 + ((bits >> 14) & 0x3fff); return true;
        }
        return false;
    }
    return false;
}

cv::Mat toGray8(cv::Mat m) {
    // Depth first: 16-bit and float to 8-bit.
    if (m.depth() == CV_16U) m.convertTo(m, CV_8U, 1.0 / 257.0);
    else if (m.depth() == CV_16S) m.convertTo(m, CV_8U, 1.0 / 128.0, 128);
    else if (m.depth() == CV_32F || m.depth() == CV_64F) m.convertTo(m, CV_8U, 255.0);
    else if (m.depth() != CV_8U) m.convertTo(m, CV_8U);
    cv::Mat gray;
    switch (m.channels()) {
    case 1: gray = m; break;
    case 3: cv::cvtColor(m, gray, cv::COLOR_BGR2GRAY); break;
    case 4: {
        // Alpha composited on white paper: drawings often have a transparent background.
        std::vector<cv::Mat> ch;
        cv::split(m, ch);
        cv::Mat bgr, g;
        cv::merge(std::vector<cv::Mat>{ch[0], ch[1], ch[2]}, bgr);
        cv::cvtColor(bgr, g, cv::COLOR_BGR2GRAY);
        cv::Mat gf, af;
        g.convertTo(gf, CV_32F);
        ch[3].convertTo(af, CV_32F, 1.0 / 255.0);
        cv::Mat outF = gf.mul(af) + (1.0 - af) * 255.0;
        outF.convertTo(gray, CV_8U);
        break;
    }
    case 2: {  // gray + alpha
        std::vector<cv::Mat> ch;
        cv::split(m, ch);
        cv::Mat gf, af;
        ch[0].convertTo(gf, CV_32F);
        ch[1].convertTo(af, CV_32F, 1.0 / 255.0);
        cv::Mat outF = gf.mul(af) + (1.0 - af) * 255.0;
        outF.convertTo(gray, CV_8U);
        break;
    }
    default: throw std::runtime_error("unsupported channel count");
    }
    return gray.isContinuous() ? gray : gray.clone();
}

/// Pictures larger than this are decoded reduced (see `decode`).
const int64_t kFullPixels = 40000000;

} // namespace

/// A decoded picture waiting to be written out in 8-bit gray: a gray PNG only inflated, anything else decoded.
struct ds_pending {
    ds::GrayPNG png;
    cv::Mat gray;
    int32_t width = 0, height = 0;
};

namespace {

/// Writes the picture into width x height bytes.
bool writeOut(const ds_pending &p, uint8_t *pixels) {
    if (p.png.raw) return p.png.unfilter(pixels);
    for (int r = 0; r < p.gray.rows; r++) std::memcpy(pixels + (size_t)r * p.gray.cols, p.gray.ptr(r), (size_t)p.gray.cols);
    return true;
}

int32_t decode(const uint8_t *bytes, size_t count, int64_t maxPixels, const std::string &name, ds_pending &out,
               ds_error *err) {
    if (count == 0) return ds::fail(err, DS_ERR_EMPTY, name + ": empty file");
    int64_t w = 0, h = 0;
    bool known = peek(bytes, count, w, h);
    if (known) {
        if (w <= 0 || h <= 0) return ds::fail(err, DS_ERR_DECODE, name + ": image header gives a zero size");
        if (w * h > maxPixels)
            return ds::fail(err, DS_ERR_TOO_LARGE, name + ": " + std::to_string(w) + "x" + std::to_string(h) +
                                                       " pixels is over the limit of " + std::to_string(maxPixels));
    }
    {
        cv::Mat gif;
        switch (ds::decodeGIF(bytes, count, maxPixels, gif)) {
        case ds::GIFResult::ok: out.gray = gif; out.width = gif.cols; out.height = gif.rows; return DS_OK;
        case ds::GIFResult::corrupt: return ds::fail(err, DS_ERR_DECODE, name + ": GIF data is truncated or corrupt");
        case ds::GIFResult::tooLarge:
            return ds::fail(err, DS_ERR_TOO_LARGE, name + ": GIF over the limit of " + std::to_string(maxPixels) + " pixels");
        case ds::GIFResult::notGIF: break;
        }
    }
    bool jpeg = count >= 2 && bytes[0] == 0xff && bytes[1] == 0xd8;
    // libjpeg fills a JPEG that ends early with gray and only warns: the picture would be read as if whole.
    // A complete one ends with the end-of-image marker (FF D9), perhaps followed by a little padding; the
    // marker cannot occur inside the coded data, where every FF byte is followed by 00.
    if (jpeg) {
        size_t from = count > 1024 ? count - 1024 : 2;
        bool ends = false;
        for (size_t i = count - 1; i > from && !ends; i--) ends = bytes[i - 1] == 0xff && bytes[i] == 0xd9;
        if (!ends) return ds::fail(err, DS_ERR_DECODE, name + ": JPEG data ends early (the file is truncated)");
    }
    // JPEG has no alpha: decode it with EXIF orientation applied. Other formats keep their alpha channel.
    int flags = jpeg ? (cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR) : cv::IMREAD_UNCHANGED;
    // A picture over 40 megapixels is decoded straight to 8-bit gray at a half, a quarter or an eighth of its
    // size (JPEG in the DCT domain), so that memory stays bounded whatever is accepted: a 100-megapixel 16-bit
    // RGBA PNG would take 800 MB decoded, and the page's stages make several copies. A 600-dpi A4 page (35
    // megapixels) is read whole.
    int reduce = 1;
    while (known && (w / reduce) * (h / reduce) > kFullPixels && reduce < 8) reduce *= 2;
    if (reduce > 1)
        flags = reduce == 2 ? cv::IMREAD_REDUCED_GRAYSCALE_2 : reduce == 4 ? cv::IMREAD_REDUCED_GRAYSCALE_4 : cv::IMREAD_REDUCED_GRAYSCALE_8;
    // A gray PNG (most scans) is only inflated here: it is unfiltered straight into the pixels handed out.
    // (Its size was checked against the limit from its header above.)
    if (!jpeg && reduce == 1 && ds::inflateSimpleGrayPNG(bytes, count, out.png)) {
        out.width = (int32_t)out.png.width;
        out.height = (int32_t)out.png.height;
        return DS_OK;
    }
    cv::Mat raw;
    bool own = jpeg ? ds::decodeJPEGGray(bytes, count, reduce, raw) : reduce == 1 && ds::decodeSimplePNG(bytes, count, raw);
    if (!own) {
        SilentStderr quiet;  // libpng and imdecode write their complaints straight to stderr
        raw = ds::codecs::imdecode(cv::Mat(1, (int)std::min<size_t>(count, INT32_MAX), CV_8UC1, const_cast<uint8_t *>(bytes)), flags);
    }
    if (raw.empty()) {
        return ds::fail(err, DS_ERR_DECODE, name + (known ? ": image data is truncated or corrupt"
                                                          : ": not an image format that can be read"));
    }
    if ((int64_t)raw.cols * raw.rows > maxPixels)
        return ds::fail(err, DS_ERR_TOO_LARGE, name + ": " + std::to_string(raw.cols) + "x" + std::to_string(raw.rows) +
                                                   " pixels is over the limit of " + std::to_string(maxPixels));
    out.gray = toGray8(raw);
    out.width = out.gray.cols;
    out.height = out.gray.rows;
    return DS_OK;
}

/// `decode` into a picture of its own, allocated here (ds_image_free releases it).
int32_t decode(const uint8_t *bytes, size_t count, int64_t maxPixels, const std::string &name, ds_image *out,
               ds_error *err) {
    if (!out) return ds::fail(err, DS_ERR_ARGUMENT, "no output image");
    ds_pending p;
    if (int32_t code = decode(bytes, count, maxPixels, name, p, err)) return code;
    size_t n = (size_t)p.width * (size_t)p.height;
    std::unique_ptr<uint8_t, void (*)(void *)> pixels(static_cast<uint8_t *>(std::malloc(n ? n : 1)), std::free);
    if (!pixels) return ds::fail(err, DS_ERR_INTERNAL, "out of memory");
    if (!writeOut(p, pixels.get())) return ds::fail(err, DS_ERR_DECODE, name + ": image data is truncated or corrupt");
    out->width = p.width;
    out->height = p.height;
    out->pixels = pixels.release();
    return DS_OK;
}

} // namespace

int32_t ds_peek_size(const uint8_t *bytes, size_t count, int64_t *width, int64_t *height, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        int64_t w = 0, h = 0;
        if (!bytes || !peek(bytes, count, w, h)) return ds::fail(err, DS_ERR_DECODE, "unknown image header");
        *width = w; *height = h;
        return DS_OK;
    });
}

int32_t ds_decode_memory(const uint8_t *bytes, size_t count, int64_t max_pixels, const char *name, ds_image *out,
                         ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        return decode(bytes, bytes ? count : 0, max_pixels, name ? name : "image", out, err);
    });
}

int32_t ds_decode_simple_png(const uint8_t *bytes, size_t count, ds_image *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        cv::Mat raw;
        if (!bytes || !ds::decodeSimplePNG(bytes, count, raw)) return ds::fail(err, DS_ERR_DECODE, "not a simple PNG");
        return ds::give(toGray8(raw), out, err);
    });
}

namespace {

/// The file's bytes, or a failure naming the file and the reason.
int32_t readFile(const std::string &name, int64_t maxPixels, std::unique_ptr<uint8_t[]> &bytes, size_t &got, ds_error *err) {
    int fd = open(name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // a FIFO must not block
    if (fd < 0) return ds::fail(err, DS_ERR_IO, name + ": cannot open: " + std::strerror(errno));
    struct Closer { int fd; ~Closer() { close(fd); } } closer{fd};
    struct stat st;
    if (fstat(fd, &st) != 0) return ds::fail(err, DS_ERR_IO, name + ": cannot read: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return ds::fail(err, DS_ERR_IO, name + ": is a folder, not an image");
    if (!S_ISREG(st.st_mode)) return ds::fail(err, DS_ERR_IO, name + ": cannot read (not a regular file)");
    int64_t size = st.st_size;
    if (size == 0) return ds::fail(err, DS_ERR_EMPTY, name + ": empty file");
    // Compressed images are rarely over 8 bytes per pixel; refuse files that could only be absurd.
    if (size > maxPixels * 8 + (1 << 20))
        return ds::fail(err, DS_ERR_TOO_LARGE, name + ": file of " + std::to_string(size) + " bytes is too large");
    bytes.reset(new uint8_t[(size_t)size]);
    got = 0;
    while (got < (size_t)size) {
        ssize_t n = read(fd, bytes.get() + got, (size_t)size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return ds::fail(err, DS_ERR_IO, name + ": read failed: " + std::strerror(errno));
        if (n == 0) break;  // the file shrank while being read
        got += (size_t)n;
    }
    return DS_OK;
}

} // namespace

int32_t ds_decode_file(const char *path, int64_t max_pixels, ds_image *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        std::string name = path ? path : "";
        std::unique_ptr<uint8_t[]> bytes;
        size_t got = 0;
        if (int32_t code = readFile(name, max_pixels, bytes, got, err)) return code;
        return decode(bytes.get(), got, max_pixels, name, out, err);
    });
}

int32_t ds_decode_file_begin(const char *path, int64_t max_pixels, ds_pending **pending, int32_t *width, int32_t *height,
                             ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        if (!pending || !width || !height) return ds::fail(err, DS_ERR_ARGUMENT, "bad decode arguments");
        *pending = nullptr;
        std::string name = path ? path : "";
        std::unique_ptr<uint8_t[]> bytes;
        size_t got = 0;
        if (int32_t code = readFile(name, max_pixels, bytes, got, err)) return code;
        std::unique_ptr<ds_pending> p(new ds_pending);
        if (int32_t code = decode(bytes.get(), got, max_pixels, name, *p, err)) return code;
        *width = p->width;
        *height = p->height;
        *pending = p.release();
        return DS_OK;
    });
}

int32_t ds_decode_finish(ds_pending *pending, uint8_t *pixels, ds_error *err) {
    std::unique_ptr<ds_pending> p(pending);  // freed however this ends
    return ds::guarded(err, [&]() -> int32_t {
        if (!p) return ds::fail(err, DS_ERR_ARGUMENT, "no picture to finish");
        if (!pixels) return DS_OK;
        if (!writeOut(*p, pixels)) return ds::fail(err, DS_ERR_DECODE, "image data is truncated or corrupt");
        return DS_OK;
    });
}

int32_t ds_count_pages(const char *path, int32_t *count, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        std::string name = path ? path : "";
        size_t n = 0;
        {
            SilentStderr quiet;
            n = ds::codecs::imcount(name, cv::IMREAD_UNCHANGED);
        }
        if (n == 0) return ds::fail(err, DS_ERR_DECODE, name + ": no page can be read");
        *count = (int32_t)std::min<size_t>(n, INT32_MAX);
        return DS_OK;
    });
}

int32_t ds_decode_page(const char *path, int32_t page, int64_t max_pixels, ds_image *out, ds_error *err) {
    return ds::guarded(err, [&]() -> int32_t {
        std::string name = path ? path : "";
        std::vector<cv::Mat> mats;
        try {
            SilentStderr quiet;
            ds::codecs::imreadmulti(name, mats, page, 1, cv::IMREAD_UNCHANGED);
        } catch (const cv::Exception &) {
            // OpenCV refuses a page over its own pixel limit, or data it cannot follow, by throwing.
            return ds::fail(err, DS_ERR_DECODE, name + ": page " + std::to_string(page + 1) +
                                                    " is too large or corrupt to decode");
        }
        if (mats.empty() || mats[0].empty())
            return ds::fail(err, DS_ERR_DECODE, name + ": page " + std::to_string(page + 1) + " is truncated or corrupt");
        if ((int64_t)mats[0].cols * mats[0].rows > max_pixels)
            return ds::fail(err, DS_ERR_TOO_LARGE, name + ": page " + std::to_string(page + 1) + " of " +
                                                       std::to_string(mats[0].cols) + "x" + std::to_string(mats[0].rows) +
                                                       " pixels is over the limit of " + std::to_string(max_pixels));
        return ds::give(toGray8(mats[0]), out, err);
    });
}

int32_t ds_console_fd(void) {
    static int fd = dup(2);
    return fd >= 0 ? fd : 2;
}

void ds_stdout_line_buffered(void) {
    setvbuf(stdout, nullptr, _IOLBF, 0);
}
