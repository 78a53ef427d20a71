/* digitshim: the OpenCV operations the scan pipeline needs, behind a plain C interface.
 *
 * Conventions
 * - Every function returns DS_OK (0) or an error code, and on error fills `err->message` with one line.
 *   No C++ exception ever leaves this library.
 * - Images are 8-bit, single channel, row-major with stride == width (ds_image).
 * - Inputs are borrowed. Outputs of a size the caller cannot know (decode, rotate) are allocated here and
 *   released with ds_image_free; outputs of the input's size are written to caller-provided buffers.
 */
#ifndef DIGITSHIM_H
#define DIGITSHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    DS_OK = 0,
    DS_ERR_IO = 1,        /* the file cannot be opened or read */
    DS_ERR_EMPTY = 2,     /* the file or buffer holds no bytes */
    DS_ERR_DECODE = 3,    /* not an image OpenCV can decode, or a truncated/corrupt one */
    DS_ERR_TOO_LARGE = 4, /* more pixels than the caller allows */
    DS_ERR_ARGUMENT = 5,  /* a bad argument (empty image, size mismatch) */
    DS_ERR_INTERNAL = 6   /* OpenCV failed (out of memory, ...) */
};

typedef struct ds_error {
    int32_t code;
    char message[400];
} ds_error;

/* An 8-bit single-channel image. */
typedef struct ds_image {
    int32_t width;
    int32_t height;
    uint8_t *pixels;
} ds_image;

/* Releases the pixels of an image allocated by this library (safe on a zeroed image). */
void ds_image_free(ds_image *image);

/* Silences OpenCV's own logging so that the tool's stderr stays clean. Idempotent. */
void ds_quiet(void);

/* Threads OpenCV may use inside one call. 1 when the caller runs several images at once: OpenCV's own
 * workers then only compete with the caller's (and spin while they wait). */
void ds_set_threads(int32_t threads);

/* A descriptor for the tool's own messages (a copy of the original stderr). While an image is decoded,
 * stderr itself is pointed at /dev/null, because libpng and OpenCV print their complaints there. */
int32_t ds_console_fd(void);

/* Makes stdout line-buffered, also in a pipe, so that its lines keep their order with the tool's messages. */
void ds_stdout_line_buffered(void);

/* Width and height from the file header (PNG, JPEG, BMP, WebP, TIFF, PNM), without decoding.
 * Returns DS_OK and sets both, or DS_ERR_DECODE when the header is not one of those formats. */
int32_t ds_peek_size(const uint8_t *bytes, size_t count, int64_t *width, int64_t *height, ds_error *err);

/* Decodes an image file into 8-bit gray: 16-bit scaled down, colour converted, alpha composited on white,
 * EXIF orientation applied. Refuses images of more than `max_pixels` before decoding them fully. */
int32_t ds_decode_file(const char *path, int64_t max_pixels, ds_image *out, ds_error *err);

/* A picture decoded as ds_decode_file decodes it, waiting to be written into a buffer of the caller's
 * (a gray PNG is only inflated until then, and unfiltered straight into that buffer). */
typedef struct ds_pending ds_pending;

/* ds_decode_file in two steps, so that the caller can make the buffer the pixels go to: sets `pending` and
 * the picture's size (nothing is kept on error); ds_decode_finish writes width*height bytes into `pixels`
 * (NULL: none) and frees `pending`, whatever it returns. */
int32_t ds_decode_file_begin(const char *path, int64_t max_pixels, ds_pending **pending, int32_t *width, int32_t *height,
                             ds_error *err);
int32_t ds_decode_finish(ds_pending *pending, uint8_t *pixels, ds_error *err);

/* The same from bytes in memory; `name` is used in error messages. */
int32_t ds_decode_memory(const uint8_t *bytes, size_t count, int64_t max_pixels, const char *name, ds_image *out,
                         ds_error *err);

/* Pages in a file of a multi-page format (TIFF): 1 for other images. DS_ERR_DECODE when none can be read. */
int32_t ds_count_pages(const char *path, int32_t *count, ds_error *err);

/* Page `page` (from 0) of a multi-page file, to 8-bit gray as ds_decode_file does. */
int32_t ds_decode_page(const char *path, int32_t page, int64_t max_pixels, ds_image *out, ds_error *err);

/* The shim's own PNG decoder, which ds_decode_* try first: 8-bit, non-interlaced gray, gray+alpha, RGB or RGBA
 * without a tRNS chunk, inflated by ISA-L (about twice zlib's speed). Returns DS_ERR_DECODE for any other
 * file, damaged ones included (ds_decode_* then hand it to OpenCV). Same output as ds_decode_memory. */
int32_t ds_decode_simple_png(const uint8_t *bytes, size_t count, ds_image *out, ds_error *err);

/* Evens out the lighting of a dark-ink-on-light-paper image: divides by a smooth estimate of the paper
 * (a closing over `window` pixels on a reduced copy, then blurred), so shadows, gradients and coloured paper
 * become white. out: caller buffer of width*height. */
int32_t ds_even_lighting(const ds_image *gray, int32_t window, uint8_t *out, ds_error *err);

/* A closing (max, then min) over a side x side square (side odd), pixels beyond the image left out: the paper
 * estimate of ds_even_lighting, in time that does not grow with the side. out: caller buffer of width*height. */
int32_t ds_close_square(const ds_image *gray, int32_t side, uint8_t *out, ds_error *err);

/* Otsu's threshold of an image (the level that best splits its histogram in two). */
int32_t ds_otsu(const ds_image *gray, int32_t *level, ds_error *err);

/* binary[i] = 255 where gray[i] <= level (ink), else 0. out: caller buffer of width*height. */
int32_t ds_threshold_below(const ds_image *gray, int32_t level, uint8_t *out, ds_error *err);

/* Hysteresis: ink is every pixel at or below `weak` that is connected to a pixel at or below `strong`, so
 * faint parts of a pencil stroke are kept with its darker parts while faint smudges on their own are not.
 * out: caller buffer of width*height, 255 = ink. */
int32_t ds_threshold_hysteresis(const ds_image *gray, int32_t strong, int32_t weak, uint8_t *out, ds_error *err);

/* ds_threshold_hysteresis, and the ink's 8-connected components labelled as ds_components labels them:
 * labels, a caller buffer of width*height int32 (0 = paper); their number in *count. */
int32_t ds_threshold_hysteresis_labelled(const ds_image *gray, int32_t strong, int32_t weak, uint8_t *out, int32_t *labels,
                                         int32_t *count, ds_error *err);

/* Rotates about the centre by `degrees` (counter-clockwise), enlarging the canvas to keep every pixel;
 * new area is filled with `fill`. Bilinear, or nearest for binary images. Allocates `out`. */
int32_t ds_rotate(const ds_image *src, double degrees, uint8_t fill, int32_t nearest, ds_image *out, ds_error *err);

/* Resizes to width x height: area averaging when shrinking (block means by a power of two first, then area
 * resampling for the rest), bilinear when enlarging or when `bilinear` is set (much cheaper than area
 * averaging, and as good when shrinking by less than 2). Allocates `out`. */
int32_t ds_resize(const ds_image *src, int32_t width, int32_t height, int32_t bilinear, ds_image *out, ds_error *err);

/* Shrinks by a whole factor: each output pixel the mean of a factor x factor block; the last width % factor
 * columns and height % factor rows are dropped. Several times faster than ds_resize to a size that is not an
 * exact fraction. Allocates `out`. */
int32_t ds_shrink(const ds_image *src, int32_t factor, ds_image *out, ds_error *err);

/* Finds long straight horizontal and vertical runs of ink (ruled lines, printed grids) in a binary image: the
 * runs of at least `min_length` ink pixels in a row or column (the morphological opening by a line of that
 * length). horizontal, vertical: caller buffers, 255 on line pixels. */
int32_t ds_find_lines(const ds_image *binary, int32_t min_length, uint8_t *horizontal, uint8_t *vertical,
                      ds_error *err);

/* A connected component of ink. */
typedef struct ds_component {
    int32_t label;
    int32_t x, y, width, height;
    int32_t area;
    double cx, cy;
} ds_component;

/* Labels the 8-connected components of a binary image. labels: caller buffer of width*height int32
 * (0 = background). Writes at most `capacity` components (label order) and sets *count to how many exist. */
int32_t ds_components(const ds_image *binary, int32_t *labels, ds_component *components, int32_t capacity,
                      int32_t *count, ds_error *err);

/* ds_components' statistics for labels made already (1...count, 0 = background), as
 * ds_threshold_hysteresis_labelled makes them. */
int32_t ds_component_stats(const int32_t *labels, int32_t width, int32_t height, int32_t count, ds_component *components,
                           int32_t capacity, ds_error *err);

/* How to turn one digit into an MNIST sample. */
typedef struct ds_digit_options {
    int32_t box;             /* the longer side is fitted to this many pixels (MNIST: 20) */
    int32_t size;            /* output side (MNIST: 28) */
    double center_x;         /* where the centre of mass goes (MNIST: about 14) */
    double center_y;
    double stroke;           /* target stroke width in output pixels (0: leave as is) */
    int32_t deslant;         /* 1: straighten slant by image moments */
    int32_t clip_x0;         /* only the digit's ink in columns [clip_x0, clip_x1) of the page counts (a part of */
    int32_t clip_x1;         /* a mark holding several touching digits); clip_x1 <= clip_x0: no clip */
} ds_digit_options;

/* Extracts the digit made of components `labels_wanted` within box (x, y, w, h) of `lit` (dark ink on white),
 * masks out every other component, and writes a size*size sample of floats in [0,1], ink bright on black.
 * Sets *stroke_found to the stroke width measured in the source pixels. */
int32_t ds_normalize_digit(const ds_image *lit, const int32_t *labels, int32_t x, int32_t y, int32_t w, int32_t h,
                           const int32_t *labels_wanted, int32_t wanted_count, const ds_digit_options *options,
                           float *out, double *stroke_found, ds_error *err);

/* Writes an 8-bit gray image, a BGR image (channels = 3) or a BGRA one (4), in the format the path's extension
 * names (.png, .jpg, ...). */
/* A gray image as JPEG bytes at `quality` (1–100), in a buffer the caller frees with free(). */
int32_t ds_encode_jpeg(const uint8_t *pixels, int32_t width, int32_t height, int32_t quality, uint8_t **bytes,
                       size_t *count, ds_error *err);

int32_t ds_write_image(const char *path, const uint8_t *pixels, int32_t width, int32_t height, int32_t channels,
                     ds_error *err);

#ifdef __cplusplus
}
#endif

#endif
