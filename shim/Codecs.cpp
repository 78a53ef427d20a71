#include "Codecs.hpp"
#include <cstdio>
#include <dlfcn.h>
#include <mutex>
#include <stdexcept>

namespace {

// The functions by their C++ (Itanium ABI, libstdc++) symbol names, which are fixed by their declarations
// in <opencv2/imgcodecs.hpp>.
struct Library {
    cv::Mat (*imdecode)(const cv::_InputArray &, int) = nullptr;
    size_t (*imcount)(const std::string &, int) = nullptr;
    bool (*imreadmulti)(const std::string &, std::vector<cv::Mat> &, int, int, int) = nullptr;
    bool (*imencode)(const std::string &, const cv::_InputArray &, std::vector<uchar> &, const std::vector<int> &) = nullptr;
    bool (*imwrite)(const std::string &, const cv::_InputArray &, const std::vector<int> &) = nullptr;
    std::string problem;
};

template <typename F> void bind(void *handle, F &slot, const char *symbol, std::string &problem) {
    slot = reinterpret_cast<F>(dlsym(handle, symbol));
    if (!slot && problem.empty()) problem = std::string("OpenCV's image codecs lack ") + symbol;
}

const Library &library() {
    static Library lib;
    static std::once_flag once;
    std::call_once(once, [] {
        // The library of the OpenCV the shim was built against: its soname carries major and minor version.
        char name[64];
        std::snprintf(name, sizeof name, "libopencv_imgcodecs.so.%d%d", CV_VERSION_MAJOR, CV_VERSION_MINOR);
        void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (!handle) handle = dlopen("libopencv_imgcodecs.so", RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char *why = dlerror();
            lib.problem = std::string("cannot load OpenCV's image codecs (") + name + "): " + (why ? why : "not found");
            return;
        }
        bind(handle, lib.imdecode, "_ZN2cv8imdecodeERKNS_11_InputArrayEi", lib.problem);
        bind(handle, lib.imcount, "_ZN2cv7imcountERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEi", lib.problem);
        bind(handle, lib.imreadmulti,
             "_ZN2cv11imreadmultiERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEERSt6vectorINS_3MatESaIS9_EEiii",
             lib.problem);
        bind(handle, lib.imencode,
             "_ZN2cv8imencodeERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEERKNS_11_InputArrayERSt6vectorIhSaIhEERKSB_IiSaIiEE",
             lib.problem);
        bind(handle, lib.imwrite,
             "_ZN2cv7imwriteERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEERKNS_11_InputArrayERKSt6vectorIiSaIiEE",
             lib.problem);
    });
    return lib;
}

const Library &loaded() {
    const Library &lib = library();
    if (!lib.problem.empty()) throw std::runtime_error(lib.problem);
    return lib;
}

} // namespace

namespace ds::codecs {

cv::Mat imdecode(cv::InputArray buffer, int flags) { return loaded().imdecode(buffer, flags); }
size_t imcount(const std::string &filename, int flags) { return loaded().imcount(filename, flags); }
bool imreadmulti(const std::string &filename, std::vector<cv::Mat> &mats, int start, int count, int flags) {
    return loaded().imreadmulti(filename, mats, start, count, flags);
}
bool imencode(const std::string &ext, cv::InputArray image, std::vector<uchar> &buffer, const std::vector<int> &params) {
    return loaded().imencode(ext, image, buffer, params);
}
bool imwrite(const std::string &filename, cv::InputArray image, const std::vector<int> &params) {
    return loaded().imwrite(filename, image, params);
}

} // namespace ds::codecs
