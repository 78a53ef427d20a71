// Cairo (Debian: libcairo2-dev): image and PDF surfaces for the reports.
#include <cairo.h>
#include <cairo-pdf.h>
